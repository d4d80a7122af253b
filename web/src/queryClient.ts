// The app's one react-query cache, shared by the React tree (main.tsx) and the routes' loaders,
// which start a page's reads while its code is still loading.
import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "./api/client";

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Retry only what may pass on a second try (unreachable, 503); never 4xx.
      retry: (count, error) => count < 2 && error instanceof ApiError && (error.status === 0 || error.status === 503),
      staleTime: 15_000,
      refetchOnWindowFocus: true,
    },
  },
});
