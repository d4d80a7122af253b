import { useState, type FormEvent } from "react";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router-dom";
import { ApiError } from "../api/client";
import { TextField } from "../components/fields";
import { Page } from "../components/Page";
import { ErrorNotice } from "../components/Status";
import { useAuth } from "./AuthContext";
import { safeNext } from "./RequireAuth";

export function LoginPage() {
  const { user, login, endedReason } = useAuth();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get("next"));

  if (user) return <Navigate to={next} replace />;

  async function submit(e: FormEvent) {
    e.preventDefault();
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
    <div className="auth-card">
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
          <button className="btn btn-primary" type="submit" disabled={busy}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
        </form>
        <p>
          New here? <Link to={`/app/register${params.get("next") ? `?next=${encodeURIComponent(next)}` : ""}`}>Create an account</Link>
        </p>
      </Page>
    </div>
  );
}
