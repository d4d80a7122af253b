// The typed API client: openapi-fetch over the paths generated from the server's OpenAPI document
// (schema.d.ts), the session (bearer token in localStorage, so a reload stays signed in), and one
// error type for every failure a screen has to show.
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type User = Schemas["User"];
export type Role = User["role"];
export type Module = Schemas["Module"];
export type Screen = Schemas["Screen"];

/* ---------- session ---------- */

const SESSION_KEY = "trainsmart.session";

export interface Session {
  token: string;
  expiresAt: string; // RFC 3339, from the login answer
  /* The user as last read: a reload renders with it at once while GET /users/me checks the
   * token (a 401 there signs out). */
  user?: User;
}

function readSession(): Session | null {
  try {
    const raw = localStorage.getItem(SESSION_KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Partial<Session>;
    if (typeof s.token !== "string" || typeof s.expiresAt !== "string") return null;
    if (Date.parse(s.expiresAt) <= Date.now()) return null;
    const user = s.user && typeof s.user === "object" && typeof s.user.id === "string" ? s.user : undefined;
    return { token: s.token, expiresAt: s.expiresAt, ...(user ? { user } : {}) };
  } catch {
    return null; // storage disabled or garbage: signed out
  }
}

let session: Session | null = readSession();

export function currentSession(): Session | null {
  if (session && Date.parse(session.expiresAt) <= Date.now()) setSession(null);
  return session;
}

/*
 * Replaces this page's session and the stored one. Dropping (null) removes the stored session only
 * when it is still the one this page had: another tab may have signed someone in since, and its
 * session must survive this page's late sign-out.
 */
export function setSession(s: Session | null): void {
  const dropped = session;
  session = s;
  try {
    if (s) localStorage.setItem(SESSION_KEY, JSON.stringify(s));
    else if (dropped && readSession()?.token === dropped.token) localStorage.removeItem(SESSION_KEY);
  } catch {
    /* private mode: the session lasts as long as the page */
  }
}

/* Calls `listener` with the new session when another tab of this origin signs in, out, or
 * refreshes the stored user (the "storage" event fires only in the other tabs). */
export function onSessionChangedElsewhere(listener: (s: Session | null) => void): () => void {
  const handler = (e: StorageEvent) => {
    if (e.key !== SESSION_KEY && e.key !== null) return;
    session = readSession();
    listener(session);
  };
  window.addEventListener("storage", handler);
  return () => window.removeEventListener("storage", handler);
}

/* Called once per 401 answered to a request that carried the current session's token: the token
 * expired, was revoked (logout elsewhere) or its user was deactivated. A 401 to a request sent
 * with an older token (one that was on its way when the person signed in again) is not. */
const unauthorizedListeners = new Set<() => void>();
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}
export function signalUnauthorized(): void {
  for (const l of unauthorizedListeners) l();
}

/* ---------- errors ---------- */

export interface ValidationItem {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export class ApiError extends Error {
  readonly status: number; // 0: the server could not be reached
  readonly body: unknown;
  readonly retryAfter: number | null;

  constructor(status: number, body: unknown, retryAfter: number | null = null) {
    super(describe(status, body, retryAfter));
    this.name = "ApiError";
    this.status = status;
    this.body = body;
    this.retryAfter = retryAfter;
  }

  /* The 422 items, or none. */
  get items(): ValidationItem[] {
    const d = (this.body as { detail?: unknown } | null)?.detail;
    return Array.isArray(d) ? (d as ValidationItem[]) : [];
  }

  /* The `detail` string of a non-422 error, if any. */
  get detail(): string | null {
    const d = (this.body as { detail?: unknown } | null)?.detail;
    return typeof d === "string" ? d : null;
  }

  /* 422 messages by field path without the leading "body"/"query"/"path": "settings.pass_score",
   * worded for people (fieldMessage). */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const item of this.items) {
      const key = item.loc.slice(1).join(".");
      if (!(key in out)) out[key] = fieldMessage(item);
    }
    return out;
  }
}

/*
 * A 422 item as a person reads it next to the field: the server's messages are pydantic's
 * ("String should have at least 8 characters", "Value error, …"), precise but written for
 * developers. The common types get plain words; the rest keep the server's text.
 */
export function fieldMessage(item: ValidationItem): string {
  const n = /(-?\d+)/.exec(item.msg)?.[1];
  switch (item.type) {
    case "missing":
      return "This is required.";
    case "string_too_short":
      return n === "1" ? "This cannot be empty." : `Use at least ${n} characters.`;
    case "string_too_long":
      return `Use at most ${n} characters.`;
    case "greater_than_equal":
      return `Use ${n} or more.`;
    case "less_than_equal":
      return `Use ${n} or less.`;
    case "too_short":
      return n === "1" ? "Add at least one." : `Add at least ${n}.`;
    case "too_long":
      return `Use at most ${n}.`;
    case "value_error": {
      const text = item.msg.replace(/^Value error, /, "");
      // "invalid email address" → "Invalid email address."; a field's own name stays as written.
      const first = /^\S+/.exec(text)?.[0] ?? "";
      const head = first.includes("_") ? text : text.charAt(0).toUpperCase() + text.slice(1);
      return head + (/[.!?]$/.test(text) ? "" : ".");
    }
    default:
      return item.msg;
  }
}

function describe(status: number, body: unknown, retryAfter: number | null): string {
  const d = (body as { detail?: unknown } | null)?.detail;
  switch (status) {
    case 0:
      return "Cannot reach the server. Check your connection and try again.";
    case 503:
      return "The service is busy right now. Please try again in a moment.";
    case 500:
      return "Something went wrong on the server. Please try again.";
    case 429:
      return retryAfter
        ? `Too many attempts. Try again in ${retryAfter} second${retryAfter === 1 ? "" : "s"}.`
        : "Too many attempts. Try again shortly.";
    case 422:
      return "Some fields need attention.";
    case 404:
      return "This was not found. It may have been removed, or you may not have access to it.";
    case 403:
      return typeof d === "string" && d !== "Forbidden" ? d : "You are not allowed to do this.";
    case 401:
      return typeof d === "string" && d !== "Not authenticated" && d !== "Could not validate credentials"
        ? d
        : "Your session has ended. Please sign in again.";
    default:
      return typeof d === "string" ? d : `Unexpected answer from the server (HTTP ${status}).`;
  }
}

/* ---------- client ---------- */

const authMiddleware: Middleware = {
  onRequest({ request }) {
    const s = currentSession();
    if (s) request.headers.set("Authorization", `Bearer ${s.token}`);
    return request;
  },
  onResponse({ request, response }) {
    const s = currentSession();
    if (response.status === 401 && s && request.headers.get("Authorization") === `Bearer ${s.token}`)
      signalUnauthorized();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: "" });
api.use(authMiddleware);

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/* Awaits an openapi-fetch call and returns its data, or throws ApiError. */
export async function call<T>(request: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await request;
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError(0, null);
  }
  const { data, error, response } = result;
  if (!response.ok) {
    const ra = Number.parseInt(response.headers.get("Retry-After") ?? "", 10);
    throw new ApiError(response.status, error ?? null, Number.isFinite(ra) ? ra : null);
  }
  return data as T;
}

/* An Idempotency-Key for a create the user triggered once (retries of the same click reuse it). */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
