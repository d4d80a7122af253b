// The signed-in person's own pages, under /app: the dashboard (index), check-ins, notifications.
import type { RouteObject } from "react-router-dom";

export const homeRoutes: RouteObject[] = [];
