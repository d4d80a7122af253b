// Loading and error states, the same everywhere: a polite status while loading, an alert with the
// error's human message (a 503 says to try again, with a button that does) when something failed.
import { ApiError } from "../api/client";

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <p className="loading" role="status">
      {label}
    </p>
  );
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}

export function ErrorNotice({ error, retry }: { error: unknown; retry?: () => void }) {
  if (!error) return null;
  const retryable = !(error instanceof ApiError) || [0, 429, 500, 503].includes(error.status);
  return (
    <div className="notice notice-error" role="alert">
      <span>{errorMessage(error)}</span>
      {retry && retryable ? (
        <button type="button" className="btn btn-small" onClick={retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

export function SuccessNotice({ children }: { children: React.ReactNode }) {
  return (
    <div className="notice notice-ok" role="status">
      {children}
    </div>
  );
}
