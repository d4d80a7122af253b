// The learner's module pages, under /app/modules: the catalogue, a module, its player. Each page
// is its own lazy chunk, so the first page a person opens loads only what it shows.
import type { RouteObject } from "react-router-dom";

export const learnerRoutes: RouteObject[] = [
  {
    path: "modules",
    lazy: () => import("./CataloguePage").then((m) => ({ Component: m.CataloguePage })),
  },
  {
    path: "modules/:moduleId",
    lazy: () => import("./ModulePage").then((m) => ({ Component: m.ModulePage })),
  },
  {
    // :screenId is a screen's id, or "finish" for the panel after the last screen.
    path: "modules/:moduleId/play/:screenId?",
    lazy: () => import("./PlayerPage").then((m) => ({ Component: m.PlayerPage })),
  },
];
