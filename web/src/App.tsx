// The app's routes. Everything lives under /app (API.md §18: the server answers index.html for
// /app/<anything> that is not a file); "/" is the same page and goes to the dashboard. Each area
// owns its route list: home/routes.tsx (dashboard, check-ins, notifications), learner/routes.tsx
// (catalogue and player), author/routes.tsx (lazy: most people never open the
// studio), admin/routes.tsx (lazy).
import { lazy, Suspense } from "react";
import { createBrowserRouter, Navigate, Outlet, RouterProvider } from "react-router-dom";
import { AccountPage } from "./auth/AccountPage";
import { LoginPage } from "./auth/LoginPage";
import { RegisterPage } from "./auth/RegisterPage";
import { RequireAuth } from "./auth/RequireAuth";
import { Layout, PublicLayout } from "./components/Layout";
import { NotFoundPage } from "./components/NotFound";
import { Loading } from "./components/Status";
import { homeRoutes } from "./home/routes";
import { learnerRoutes } from "./learner/routes";

const AuthorArea = lazy(() => import("./author/routes"));
const AdminArea = lazy(() => import("./admin/routes"));

function Lazy() {
  return (
    <Suspense fallback={<Loading />}>
      <Outlet />
    </Suspense>
  );
}

const router = createBrowserRouter([
  { path: "/", element: <Navigate to="/app" replace /> },
  {
    path: "/app",
    // Shown while the first page's lazy code loads (a cold start at a deep link).
    hydrateFallbackElement: <Loading />,
    children: [
      {
        element: <PublicLayout />,
        children: [
          { path: "login", element: <LoginPage /> },
          { path: "register", element: <RegisterPage /> },
        ],
      },
      {
        element: <RequireAuth />,
        children: [
          {
            element: <Layout />,
            children: [
              ...homeRoutes,
              ...learnerRoutes,
              { path: "account", element: <AccountPage /> },
              {
                element: <RequireAuth roles={["author", "admin"]} />,
                children: [{ element: <Lazy />, children: [{ path: "studio/*", element: <AuthorArea /> }] }],
              },
              {
                element: <RequireAuth roles={["admin"]} />,
                children: [{ element: <Lazy />, children: [{ path: "admin/*", element: <AdminArea /> }] }],
              },
              { path: "*", element: <NotFoundPage /> },
            ],
          },
        ],
      },
    ],
  },
  { path: "*", element: <Navigate to="/app" replace /> },
]);

export function App() {
  return <RouterProvider router={router} />;
}
