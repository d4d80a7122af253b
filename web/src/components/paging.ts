// Cursor pages (API.md §1.7) as one growing list with "Load more".
import { infiniteQueryOptions, useInfiniteQuery, type QueryClient, type QueryKey } from "@tanstack/react-query";

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

type FetchPage<T> = (cursor: string | undefined) => Promise<Page<T>>;

function cursorListOptions<T>(key: QueryKey, fetchPage: FetchPage<T>) {
  return infiniteQueryOptions({
    queryKey: key,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: Page<T>) => last.next_cursor ?? undefined,
  });
}

/* Starts reading a list's first page before the page that shows it renders (a route loader). */
export function prefetchCursorList<T>(qc: QueryClient, key: QueryKey, fetchPage: FetchPage<T>): Promise<void> {
  return qc.prefetchInfiniteQuery(cursorListOptions(key, fetchPage));
}

export function useCursorList<T>(key: QueryKey, fetchPage: FetchPage<T>) {
  const q = useInfiniteQuery(cursorListOptions(key, fetchPage));
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  return {
    items,
    isLoading: q.isLoading,
    error: q.error,
    refetch: q.refetch,
    hasMore: q.hasNextPage,
    loadingMore: q.isFetchingNextPage,
    loadMore: () => void q.fetchNextPage(),
  };
}
