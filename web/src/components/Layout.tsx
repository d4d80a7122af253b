// The frame of every signed-in page: a skip link, the banner with the main navigation (by role),
// the notification bell and the account menu, and the <main> landmark the pages render into.
import { NavLink, Outlet, useNavigate } from "react-router-dom";
import { isAuthor, useAuth, useUser } from "../auth/AuthContext";
import { NotificationBell } from "../notifications/Bell";

export function Layout() {
  const user = useUser();
  const { logout } = useAuth();
  const navigate = useNavigate();
  const links: { to: string; label: string; end?: boolean }[] = [
    { to: "/app", label: "Dashboard", end: true },
    { to: "/app/modules", label: "Modules" },
    { to: "/app/checkins", label: "Check-ins" },
  ];
  if (isAuthor(user.role)) links.push({ to: "/app/studio", label: "Studio" });
  if (user.role === "admin") links.push({ to: "/app/admin/users", label: "Users" });

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <NavLink to="/app" className="brand" aria-label="TrainSmart home">
          TrainSmart
        </NavLink>
        <nav aria-label="Main" className="mainnav">
          <ul>
            {links.map((l) => (
              <li key={l.to}>
                <NavLink to={l.to} end={l.end}>
                  {l.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="topbar-end">
          <NotificationBell />
          <NavLink to="/app/account" className="account-link" title="Your account">
            {user.display_name}
          </NavLink>
          <button
            type="button"
            className="btn btn-small btn-quiet"
            onClick={async () => {
              await logout();
              navigate("/app/login", { replace: true });
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}

/* The frame of the signed-out pages (login, register). */
export function PublicLayout() {
  return (
    <div className="shell shell-public">
      <header className="topbar">
        <span className="brand">TrainSmart</span>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
