// The signed-in person's own pages, under /app: the dashboard (index), check-ins, notifications.
// Each page is its own lazy chunk, so the first page stays within the initial-JavaScript budget.
import type { RouteObject } from "react-router-dom";
import { queryClient } from "../queryClient";

export const homeRoutes: RouteObject[] = [
  {
    index: true,
    lazy: () =>
      import("./Dashboard").then((m) => ({ Component: m.Dashboard, loader: () => m.loadDashboard(queryClient) })),
  },
  { path: "checkins", lazy: () => import("./CheckinsPage").then((m) => ({ Component: m.CheckinsPage })) },
  {
    path: "notifications",
    lazy: () => import("../notifications/NotificationsPage").then((m) => ({ Component: m.NotificationsPage })),
  },
];
