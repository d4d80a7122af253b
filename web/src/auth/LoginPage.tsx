import { useRef, useState, type FormEvent } from "react";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router-dom";
import { ApiError } from "../api/client";
import { TextField } from "../components/fields";
import { Page } from "../components/Page";
import { ErrorNotice } from "../components/Status";
import { useAuth } from "./AuthContext";
import { safeNext } from "./RequireAuth";
import { BusyButton } from "../components/BusyButton";
import { useFocusOnError } from "../components/focus";

export function LoginPage() {
  const { user, login, endedReason } = useAuth();
  const [params] = useSearchParams();
  const navigate = useNavigate();
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
    try {
      await login(email, password);
      navigate(next, { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const fields = error instanceof ApiError ? error.fieldErrors() : {};
  return (
    <div className="auth-card" ref={card}>
      <Page title="Sign in">
        {endedReason && !error ? (
          <p className="notice notice-info" role="status">
            {endedReason}
          </p>
        ) : null}
        <ErrorNotice error={error} />
        <form onSubmit={submit} noValidate>
          <TextField label="Email" type="email" autoComplete="username" value={email} onChange={setEmail}
            required error={fields.email} />
          <TextField label="Password" type="password" autoComplete="current-password" value={password}
            onChange={setPassword} required error={fields.password} />
          <BusyButton className="btn btn-primary" type="submit" busy={busy}>
            {busy ? "Signing in…" : "Sign in"}
          </BusyButton>
        </form>
        <p>
          New here? <Link to={`/app/register${params.get("next") ? `?next=${encodeURIComponent(next)}` : ""}`}>Create an account</Link>
        </p>
      </Page>
    </div>
  );
}
