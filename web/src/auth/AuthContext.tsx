// Who is signed in. The token lives in localStorage (api/client.ts), so a reload stays signed in;
// the page renders at once with the user the session remembers, and GET /users/me checks the
// token and refreshes the user. Any 401 to a request carrying the token (expiry,
// logout elsewhere, deactivation) signs out here, and RequireAuth sends the person to the login
// page with the page they were on, to come back to after signing in.
import { useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import {
  api,
  call,
  currentSession,
  onSessionChangedElsewhere,
  onUnauthorized,
  setSession,
  type Role,
  type User,
} from "../api/client";

interface AuthState {
  user: User | null;
  /* True while a stored token is being checked at start. */
  loading: boolean;
  /* Why the last session ended without the person asking ("expired"), for the login page. */
  endedReason: string | null;
  login(email: string, password: string): Promise<User>;
  logout(): Promise<void>;
  /* Replaces the signed-in user after a profile change. */
  setUser(user: User): void;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  // A stored session renders at once with the user it remembers; GET /users/me below checks it.
  const [user, setUserState] = useState<User | null>(() => currentSession()?.user ?? null);
  const [loading, setLoading] = useState(() => {
    const s = currentSession();
    return s !== null && !s.user;
  });

  // Keeps the stored session's copy of the user current (name, role after a change).
  const rememberUser = useCallback((u: User) => {
    const s = currentSession();
    if (s) setSession({ ...s, user: u });
    setUserState(u);
  }, []);
  const [endedReason, setEndedReason] = useState<string | null>(null);

  const signOutLocally = useCallback(
    (reason: string | null) => {
      setSession(null);
      setUserState(null);
      setEndedReason(reason);
      queryClient.clear();
    },
    [queryClient],
  );

  // A stored token: check it and refresh the user.
  useEffect(() => {
    if (!currentSession()) return;
    let cancelled = false;
    call(api.GET("/api/v1/users/me"))
      .then((u) => !cancelled && rememberUser(u))
      .catch(() => {
        /* a 401 signs out through onUnauthorized; otherwise (server unreachable, 503) the
           remembered user stays, and the pages show their own errors */
      })
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [rememberUser]);

  useEffect(
    () => onUnauthorized(() => signOutLocally("Your session has ended. Please sign in again.")),
    [signOutLocally],
  );

  // Another tab signed out or in (possibly as someone else): follow it, so no tab keeps showing
  // one person's data under another's token.
  const userRef = useRef(user);
  useEffect(() => {
    userRef.current = user;
  }, [user]);
  useEffect(
    () =>
      onSessionChangedElsewhere((s) => {
        const current = userRef.current;
        if (s?.user && current && s.user.id === current.id) {
          setUserState(s.user); // the same person: the stored user was refreshed
          return;
        }
        queryClient.clear();
        setUserState(s?.user ?? null);
        if (!s) setEndedReason("You signed out in another tab.");
        else if (!s.user) {
          setLoading(true);
          call(api.GET("/api/v1/users/me"))
            .then(rememberUser)
            .catch(() => undefined)
            .finally(() => setLoading(false));
        }
      }),
    [queryClient, rememberUser],
  );

  // The token's fixed expiry: sign out when it comes, without waiting for a request to fail.
  useEffect(() => {
    const s = currentSession();
    if (!user || !s) return;
    const ms = Date.parse(s.expiresAt) - Date.now();
    const timer = window.setTimeout(
      () => signOutLocally("Your session has expired. Please sign in again."),
      Math.max(0, Math.min(ms, 2 ** 31 - 1)),
    );
    return () => window.clearTimeout(timer);
  }, [user, signOutLocally]);

  const login = useCallback(
    async (email: string, password: string) => {
      const t = await call(api.POST("/api/v1/auth/login", { body: { email, password } }));
      queryClient.clear();
      setSession({ token: t.access_token, expiresAt: t.expires_at, user: t.user });
      setEndedReason(null);
      setUserState(t.user);
      return t.user;
    },
    [queryClient],
  );

  const logout = useCallback(async () => {
    try {
      await call(api.POST("/api/v1/auth/logout"));
    } catch {
      /* the token is dropped here either way */
    }
    signOutLocally(null);
  }, [signOutLocally]);

  const value = useMemo<AuthState>(
    () => ({ user, loading, endedReason, login, logout, setUser: rememberUser }),
    [user, loading, endedReason, login, logout, rememberUser],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error("useAuth outside AuthProvider");
  return ctx;
}

/* The signed-in user; only for pages under RequireAuth. */
export function useUser(): User {
  const { user } = useAuth();
  if (!user) throw new Error("useUser without a signed-in user");
  return user;
}

export function isAuthor(role: Role): boolean {
  return role === "author" || role === "admin";
}
