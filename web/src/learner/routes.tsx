// The learner's pages, under /app: the dashboard (index), the catalogue and player, check-ins.
import type { RouteObject } from "react-router-dom";

export const learnerRoutes: RouteObject[] = [];
