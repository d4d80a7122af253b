// Pages for signed-in people only: others go to the login page, which brings them back here.
import { Navigate, Outlet, useLocation } from "react-router-dom";
import { Loading } from "../components/Status";
import type { Role } from "../api/client";
import { useAuth } from "./AuthContext";

export function RequireAuth({ roles }: { roles?: Role[] }) {
  const { user, loading } = useAuth();
  const location = useLocation();
  if (loading) return <Loading label="Signing you in…" />;
  if (!user) {
    const next = location.pathname + location.search;
    return <Navigate to={`/app/login?next=${encodeURIComponent(next)}`} replace />;
  }
  if (roles && !roles.includes(user.role)) return <Navigate to="/app" replace />;
  return <Outlet />;
}

/* Where to go after signing in: the page asked for, when it resolves to one of the app's own
 * pages ("/app/../x" and "//elsewhere" do not). */
export function safeNext(next: string | null): string {
  if (!next) return "/app";
  let url: URL;
  try {
    url = new URL(next, window.location.origin);
  } catch {
    return "/app";
  }
  const path = url.pathname;
  if (url.origin !== window.location.origin || !(path === "/app" || path.startsWith("/app/"))) return "/app";
  if (path.startsWith("/app/login") || path.startsWith("/app/register")) return "/app";
  return path + url.search;
}
