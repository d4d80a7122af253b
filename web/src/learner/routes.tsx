// The learner's module pages, under /app/modules: the catalogue, a module, its player.
import type { RouteObject } from "react-router-dom";

export const learnerRoutes: RouteObject[] = [];
