import { useRef, useState, type FormEvent } from "react";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router-dom";
import { api, ApiError, call } from "../api/client";
import { TextField } from "../components/fields";
import { Page } from "../components/Page";
import { ErrorNotice } from "../components/Status";
import { useAuth } from "./AuthContext";
import { safeNext } from "./RequireAuth";
import { BusyButton } from "../components/BusyButton";
import { useFocusOnError } from "../components/focus";

function browserTimeZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

export function RegisterPage() {
  const { user, login } = useAuth();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [displayName, setDisplayName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get("next"));

  const card = useRef<HTMLDivElement>(null);
  useFocusOnError(card, error);

  if (user) return <Navigate to={next} replace />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    const timezone = browserTimeZone();
    try {
      try {
        await call(api.POST("/api/v1/auth/register", { body: { email, password, display_name: displayName, timezone } }));
      } catch (err) {
        // A browser zone the server's tz database lacks: register in UTC (changeable later).
        const tzRejected = err instanceof ApiError && err.status === 422 && "timezone" in err.fieldErrors();
        if (!tzRejected) throw err;
        await call(api.POST("/api/v1/auth/register", { body: { email, password, display_name: displayName } }));
      }
      await login(email, password);
      navigate(next, { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const fields: Record<string, string> = error instanceof ApiError ? error.fieldErrors() : {};
  // 409: the address is taken; say so at the field it concerns.
  if (error instanceof ApiError && error.status === 409) fields.email = "An account with this email already exists.";
  return (
    <div className="auth-card" ref={card}>
      <Page title="Create your account">
        <ErrorNotice error={error} />
        <form onSubmit={submit} noValidate>
          <TextField label="Your name" autoComplete="name" value={displayName} onChange={setDisplayName}
            required maxLength={100} error={fields.display_name} />
          <TextField label="Email" type="email" autoComplete="email" value={email} onChange={setEmail}
            required error={fields.email} />
          <TextField label="Password" type="password" autoComplete="new-password" value={password}
            onChange={setPassword} required minLength={8} maxLength={128} hint="At least 8 characters."
            error={fields.password} />
          <BusyButton className="btn btn-primary" type="submit" busy={busy}>
            {busy ? "Creating…" : "Create account"}
          </BusyButton>
        </form>
        <p>
          Already have an account? <Link to="/app/login">Sign in</Link>
        </p>
      </Page>
    </div>
  );
}
