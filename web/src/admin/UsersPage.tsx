// /app/admin/users: every user, newest first, with search (name or email), role and active
// filters and Load more. Per user: change the role (select + Save) and deactivate / reactivate
// (confirmed first; deactivating signs the person out everywhere). Admins cannot change their own
// role or active status (API.md §4): those controls are disabled on their own row, and the
// server's 409 is shown if it happens anyway.
import { useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { api, ApiError, call, type Role, type Schemas, type User } from "../api/client";
import { useAuth, useUser } from "../auth/AuthContext";
import { Page } from "../components/Page";
import { ErrorNotice, errorMessage, Loading } from "../components/Status";
import { SelectField, TextField } from "../components/fields";
import { formatDateTime } from "../components/format";
import { useCursorList } from "../components/paging";
import { LoadMore } from "../components/LoadMore";

type UserPage = Schemas["UserPage"];

const ROLE_LABEL: Record<Role, string> = { learner: "Learner", author: "Author", admin: "Admin" };
const ROLE_OPTIONS: { value: Role; label: string }[] = [
  { value: "learner", label: "Learner" },
  { value: "author", label: "Author" },
  { value: "admin", label: "Admin" },
];

type RoleFilter = "" | Role;
type ActiveFilter = "" | "true" | "false";

interface Filters {
  q: string;
  role: RoleFilter;
  active: ActiveFilter;
}

const usersKey = (f: Filters) => ["users", "list", f] as const;

function UserRow({ u, isSelf, onChanged }: { u: User; isSelf: boolean; onChanged(u: User, message: string): void }) {
  const [role, setRole] = useState<Role>(u.role);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const selfNote = useId();
  const confirmButton = useRef<HTMLButtonElement>(null);
  const toggleButton = useRef<HTMLButtonElement>(null);
  useEffect(() => setRole(u.role), [u.role]);

  const patch = async (body: Schemas["UserPatch"], message: (u: User) => string) => {
    setBusy(true);
    setError(null);
    try {
      const updated = await call(api.PATCH("/api/v1/users/{user_id}", { params: { path: { user_id: u.id } }, body }));
      setRole(updated.role);
      onChanged(updated, message(updated));
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 422) {
        const fe = e.fieldErrors();
        setError(Object.values(fe)[0] ?? e.message);
      } else setError(errorMessage(e));
      return false;
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className="user-row">
      <div className="user-who">
        <strong className="user-name">{u.display_name}</strong>
        {isSelf ? <span className="badge">You</span> : null}
        <span className={u.active ? "badge badge-ok" : "badge badge-danger"}>{u.active ? "Active" : "Deactivated"}</span>
        <div className="meta user-email">{u.email}</div>
        <div className="meta">Joined {formatDateTime(u.created_at)}</div>
      </div>
      <form
        className="user-role"
        onSubmit={(e) => {
          e.preventDefault();
          if (busy || isSelf) return;
          if (role === u.role) {
            setError(`${u.display_name} is already ${role === "learner" ? "a" : "an"} ${ROLE_LABEL[role].toLowerCase()}.`);
            return;
          }
          void patch({ role }, (x) => `${x.display_name} is now ${x.role === "learner" ? "a" : "an"} ${ROLE_LABEL[x.role].toLowerCase()}.`);
        }}
      >
        <div className="user-role-controls">
          <SelectField<Role>
            label={`Role of ${u.display_name}`}
            value={role}
            onChange={setRole}
            options={ROLE_OPTIONS}
            disabled={busy || isSelf}
            hint={isSelf ? <span id={selfNote}>You cannot change your own role or deactivate yourself.</span> : undefined}
          />
          <button type="submit" className="btn btn-small" disabled={isSelf} aria-disabled={busy || undefined}>
            Save role<span className="visually-hidden"> of {u.display_name}</span>
          </button>
        </div>
      </form>
      <div className="user-actions">
        {confirming ? (
          <div className="confirm" role="group" aria-label={`Confirm ${u.active ? "deactivation" : "reactivation"}`}>
            <p>
              {u.active
                ? `Deactivate ${u.display_name}? They are signed out everywhere at once and cannot sign in until reactivated.`
                : `Reactivate ${u.display_name}? They can sign in again.`}
            </p>
            <div className="btn-row">
              <button
                ref={confirmButton}
                type="button"
                className={u.active ? "btn btn-danger btn-small" : "btn btn-primary btn-small"}
                aria-disabled={busy || undefined}
                onClick={async () => {
                  if (busy) return;
                  const ok = await patch({ active: !u.active }, (x) =>
                    x.active ? `${x.display_name} is reactivated.` : `${x.display_name} is deactivated.`,
                  );
                  if (ok) {
                    setConfirming(false);
                    requestAnimationFrame(() => toggleButton.current?.focus());
                  }
                }}
              >
                {u.active ? "Yes, deactivate" : "Yes, reactivate"}
                <span className="visually-hidden"> {u.display_name}</span>
              </button>
              <button
                type="button"
                className="btn btn-small"
                onClick={() => {
                  setConfirming(false);
                  requestAnimationFrame(() => toggleButton.current?.focus());
                }}
              >
                Cancel
              </button>
            </div>
          </div>
        ) : (
          <button
            ref={toggleButton}
            type="button"
            className="btn btn-small"
            disabled={isSelf}
            aria-describedby={isSelf ? selfNote : undefined}
            onClick={() => {
              setConfirming(true);
              requestAnimationFrame(() => confirmButton.current?.focus());
            }}
          >
            {u.active ? "Deactivate" : "Reactivate"}
            <span className="visually-hidden"> {u.display_name}</span>
          </button>
        )}
      </div>
      {error ? (
        <p className="field-error user-error" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}

export function UsersPage() {
  const me = useUser();
  const { setUser } = useAuth();
  const qc = useQueryClient();
  const [draftQ, setDraftQ] = useState("");
  const [filters, setFilters] = useState<Filters>({ q: "", role: "", active: "" });
  const [message, setMessage] = useState("");

  const key = usersKey(filters);
  const list = useCursorList<User>(key, (cursor) =>
    call(
      api.GET("/api/v1/users", {
        params: {
          query: {
            ...(filters.q ? { q: filters.q } : {}),
            ...(filters.role ? { role: filters.role } : {}),
            ...(filters.active ? { active: filters.active === "true" } : {}),
            ...(cursor ? { cursor } : {}),
          },
        },
      }),
    ),
  );
  const qError = list.error instanceof ApiError && list.error.status === 422 ? list.error.fieldErrors().q : undefined;

  const onChanged = (u: User, msg: string) => {
    setMessage(msg);
    if (u.id === me.id) setUser(u);
    qc.setQueryData<InfiniteData<UserPage>>(
      key,
      (old) => old && { ...old, pages: old.pages.map((p) => ({ ...p, items: p.items.map((x) => (x.id === u.id ? u : x)) })) },
    );
    // Other filtered lists may now include or exclude this user.
    const current = JSON.stringify(key);
    void qc.invalidateQueries({ queryKey: ["users"], predicate: (q) => JSON.stringify(q.queryKey) !== current });
  };

  return (
    <Page title="Users">
      <form
        className="card user-filters"
        role="search"
        aria-label="Find users"
        onSubmit={(e) => {
          e.preventDefault();
          setMessage("");
          setFilters((f) => ({ ...f, q: draftQ.trim() }));
        }}
      >
        <TextField
          label="Search by name or email"
          type="search"
          value={draftQ}
          onChange={setDraftQ}
          maxLength={100}
          error={qError}
        />
        <SelectField<RoleFilter>
          label="Role"
          value={filters.role}
          onChange={(role) => setFilters((f) => ({ ...f, role }))}
          options={[{ value: "", label: "Any role" }, ...ROLE_OPTIONS]}
        />
        <SelectField<ActiveFilter>
          label="Status"
          value={filters.active}
          onChange={(active) => setFilters((f) => ({ ...f, active }))}
          options={[
            { value: "", label: "Any status" },
            { value: "true", label: "Active" },
            { value: "false", label: "Deactivated" },
          ]}
        />
        <div className="user-filters-submit">
          <button type="submit" className="btn btn-primary">
            Search
          </button>
        </div>
      </form>
      <div role="status" className={message ? "notice notice-ok" : undefined}>
        {message}
      </div>
      {list.isLoading ? <Loading label="Loading users…" /> : null}
      {qError ? null : <ErrorNotice error={list.error} retry={() => void list.refetch()} />}
      {!list.isLoading && !list.error ? (
        <p className="meta" aria-live="polite">
          {list.items.length === 0
            ? "No users match."
            : `Showing ${list.items.length} user${list.items.length === 1 ? "" : "s"}${list.hasMore ? " (more available)" : ""}.`}
        </p>
      ) : null}
      {list.items.length > 0 ? (
        <ul className="plain-list user-list" aria-label="Users">
          {list.items.map((u) => (
            <UserRow key={u.id} u={u} isSelf={u.id === me.id} onChanged={onChanged} />
          ))}
        </ul>
      ) : null}
      <LoadMore list={list} />
    </Page>
  );
}
