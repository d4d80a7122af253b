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

/* Where to go after signing in: the page asked for, when it is one of ours. */
export function safeNext(next: string | null): string {
  if (next && next.startsWith("/app") && !next.startsWith("/app/login") && !next.startsWith("/app/register"))
    return next;
  return "/app";
}
