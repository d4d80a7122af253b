// "Load more" under a cursor list (components/paging.ts). The button stays focusable while the
// next page loads (aria-disabled, not disabled), so a keyboard user keeps their place.
export function LoadMore({ list }: { list: { hasMore: boolean; loadingMore: boolean; loadMore(): void } }) {
  if (!list.hasMore) return null;
  return (
    <div className="btn-row">
      <button
        type="button"
        className="btn"
        aria-disabled={list.loadingMore || undefined}
        onClick={() => {
          if (!list.loadingMore) list.loadMore();
        }}
      >
        {list.loadingMore ? "Loading…" : "Load more"}
      </button>
    </div>
  );
}
