// /app/studio/modules/:moduleId/assign — pick learners (GET /users?q=&role=learner), a due date
// (local date and time → RFC 3339 with the browser's offset), assign (one POST /assignments per
// learner, each with its own Idempotency-Key), and the module's current assignments with learner
// names, due dates, overdue marks, a due-date change and removal.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, ApiError, call, fieldMessage, newIdempotencyKey, type Module, type Schemas } from "../api/client";
import { TextField } from "../components/fields";
import { formatDateTime, statusLabel } from "../components/format";
import { useCursorList } from "../components/paging";
import { ErrorNotice, Loading, SuccessNotice } from "../components/Status";
import { ConfirmDialog, localToRfc3339, rfc3339ToLocal, useUserNames } from "./common";
import { ModuleShell } from "./ModuleShell";
import { LoadMore } from "../components/LoadMore";
import { BusyButton } from "../components/BusyButton";

type Assignment = Schemas["Assignment"];
type User = Schemas["User"];

export function AssignPage() {
  return <ModuleShell name="Assign">{(m) => <AssignBody module={m} />}</ModuleShell>;
}

function AssignBody({ module }: { module: Module }) {
  return (
    <>
      {module.status === "published" ? (
        <AssignForm module={module} />
      ) : (
        <p className="notice notice-info">
          Only published modules can be assigned. {module.status === "draft" ? "Publish this draft first." : "Publish it again to assign it."}
        </p>
      )}
      <CurrentAssignments module={module} />
    </>
  );
}

function AssignForm({ module }: { module: Module }) {
  const queryClient = useQueryClient();
  const [search, setSearch] = useState("");
  const [q, setQ] = useState("");
  const [picked, setPicked] = useState<Map<string, User>>(new Map());
  const [keys, setKeys] = useState<Map<string, string>>(new Map());
  const [date, setDate] = useState("");
  const [time, setTime] = useState("17:00");
  const [dueError, setDueError] = useState<string | null>(null);
  const [result, setResult] = useState<{ ok: string[]; failed: { name: string; why: string }[] } | null>(null);

  const users = useCursorList(["users", "learners", q], (cursor) =>
    call(
      api.GET("/api/v1/users", {
        params: { query: { role: "learner", active: true, ...(q ? { q } : {}), ...(cursor ? { cursor } : {}), limit: 20 } },
      }),
    ),
  );

  const assign = useMutation({
    mutationFn: async () => {
      const due = date ? localToRfc3339(date, time) : null;
      const ok: string[] = [];
      const failed: { name: string; why: string }[] = [];
      for (const u of picked.values()) {
        const key = keys.get(u.id) ?? newIdempotencyKey();
        try {
          await call(
            api.POST("/api/v1/assignments", {
              params: { header: { "Idempotency-Key": key } },
              body: { module_id: module.id, user_id: u.id, due_at: due },
            }),
          );
          ok.push(u.display_name);
        } catch (e) {
          let why = e instanceof ApiError ? e.message : "Something went wrong.";
          if (e instanceof ApiError && e.status === 409 && e.detail === "Module already assigned to this user") why = "already assigned";
          if (e instanceof ApiError && e.status === 422) why = e.items.map(fieldMessage).join(" ");
          failed.push({ name: u.display_name, why });
        }
      }
      return { ok, failed };
    },
    onSuccess: (r) => {
      setResult(r);
      // Keep only the learners whose assignment failed selected, with fresh keys for a retry.
      const failedNames = new Set(r.failed.map((f) => f.name));
      setPicked((old) => new Map([...old].filter(([, u]) => failedNames.has(u.display_name))));
      setKeys(new Map());
      void queryClient.invalidateQueries({ queryKey: ["assignments", module.id] });
    },
  });

  function toggle(u: User, on: boolean) {
    setPicked((old) => {
      const n = new Map(old);
      if (on) n.set(u.id, u);
      else n.delete(u.id);
      return n;
    });
    setKeys((old) => {
      const n = new Map(old);
      if (on && !n.has(u.id)) n.set(u.id, newIdempotencyKey());
      return n;
    });
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (assign.isPending || picked.size === 0) return;
    setResult(null);
    if (date) {
      const due = localToRfc3339(date, time);
      if (!due) return setDueError("Enter a valid date and time.");
      if (Date.parse(due) <= Date.now()) return setDueError("The due date must be in the future.");
    }
    setDueError(null);
    assign.mutate();
  }

  return (
    <section aria-labelledby="assign-h" className="card">
      <h2 id="assign-h">Assign to learners</h2>
      <form
        role="search"
        aria-label="Learners"
        className="studio-filters"
        onSubmit={(e) => {
          e.preventDefault();
          setQ(search.trim());
        }}
      >
        <TextField label="Find learners by name or email" type="search" value={search} onChange={setSearch} maxLength={100} />
        <div className="studio-filters-submit">
          <button type="submit" className="btn">
            Search
          </button>
        </div>
      </form>
      <form onSubmit={submit} noValidate>
        <fieldset>
          <legend>Learners</legend>
          {users.isLoading ? (
            <Loading label="Loading learners…" />
          ) : users.error ? (
            <ErrorNotice error={users.error} retry={() => void users.refetch()} />
          ) : users.items.length === 0 ? (
            <p className="meta" role="status">
              No learners found.
            </p>
          ) : (
            <>
              <ul className="plain-list studio-pick">
                {users.items.map((u) => (
                  <li key={u.id}>
                    <label className="studio-inline-check">
                      <input type="checkbox" checked={picked.has(u.id)} onChange={(e) => toggle(u, e.target.checked)} />
                      <span>
                        {u.display_name} <span className="meta">{u.email}</span>
                      </span>
                    </label>
                  </li>
                ))}
              </ul>
              {users.hasMore ? (
                <button type="button" className="btn btn-small" onClick={users.loadMore} disabled={users.loadingMore}>
                  {users.loadingMore ? "Loading…" : "Load more learners"}
                </button>
              ) : null}
            </>
          )}
          <p className="meta" role="status">
            {picked.size} selected{picked.size ? `: ${[...picked.values()].map((u) => u.display_name).join(", ")}` : ""}
          </p>
        </fieldset>
        <fieldset>
          <legend>Due (optional)</legend>
          <div className="studio-two">
            <TextField label="Due date" type="date" value={date} onChange={setDate} error={dueError ?? undefined} />
            <div className="field">
              <label htmlFor="due-time">Due time</label>
              <input id="due-time" type="time" value={time} onChange={(e) => setTime(e.target.value)} />
            </div>
          </div>
          <p className="hint">In your time zone. Leave the date empty for no due date.</p>
        </fieldset>
        {result ? (
          <>
            {result.ok.length ? <SuccessNotice>Assigned to {result.ok.join(", ")}.</SuccessNotice> : null}
            {result.failed.length ? (
              <div className="notice notice-error" role="alert">
                <ul>
                  {result.failed.map((f) => (
                    <li key={f.name}>
                      {f.name}: {f.why}
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
          </>
        ) : null}
        <ErrorNotice error={assign.error} />
        {/* aria-disabled, not disabled: after assigning, nobody is picked, and a disabled button
            would drop the keyboard focus to the page. */}
        <BusyButton type="submit" className="btn btn-primary" busy={picked.size === 0 || assign.isPending}>
          {assign.isPending ? "Assigning…" : `Assign to ${picked.size} learner${picked.size === 1 ? "" : "s"}`}
        </BusyButton>
      </form>
    </section>
  );
}

function CurrentAssignments({ module }: { module: Module }) {
  const list = useCursorList(["assignments", module.id], (cursor) =>
    call(api.GET("/api/v1/assignments", { params: { query: { module_id: module.id, ...(cursor ? { cursor } : {}), limit: 50 } } })),
  );
  const names = useUserNames(list.items.map((a) => a.user_id));
  return (
    <section aria-labelledby="current-h">
      <h2 id="current-h">Current assignments</h2>
      {list.isLoading ? (
        <Loading label="Loading assignments…" />
      ) : list.error ? (
        <ErrorNotice error={list.error} retry={() => void list.refetch()} />
      ) : list.items.length === 0 ? (
        <p className="meta">Nobody is assigned this module yet.</p>
      ) : (
        <>
          <ul className="plain-list">
            {list.items.map((a) => (
              <AssignmentRow key={a.id} a={a} name={names[a.user_id] ?? "A learner"} />
            ))}
          </ul>
          <LoadMore list={list} />
        </>
      )}
    </section>
  );
}

function AssignmentRow({ a, name }: { a: Assignment; name: string }) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [confirm, setConfirm] = useState(false);
  const initial = rfc3339ToLocal(a.due_at);
  const [date, setDate] = useState(initial.date);
  const [time, setTime] = useState(initial.time || "17:00");
  const [localErr, setLocalErr] = useState<string | null>(null);
  const invalidate = () => void queryClient.invalidateQueries({ queryKey: ["assignments", a.module_id] });

  const patch = useMutation({
    mutationFn: (due: string | null) =>
      call(api.PATCH("/api/v1/assignments/{assignment_id}", { params: { path: { assignment_id: a.id } }, body: { due_at: due } })),
    onSuccess: () => {
      setEditing(false);
      invalidate();
    },
  });
  const del = useMutation({
    mutationFn: () => call(api.DELETE("/api/v1/assignments/{assignment_id}", { params: { path: { assignment_id: a.id } } })),
    onSuccess: () => {
      setConfirm(false);
      invalidate();
    },
  });
  const serverErr = patch.error instanceof ApiError && patch.error.status === 422 ? patch.error.items.map(fieldMessage).join(" ") : undefined;

  return (
    <li className="studio-assignment">
      <div className="studio-assignment-main">
        <strong>{name}</strong>{" "}
        <span className="badge">{statusLabel[a.progress_status] ?? a.progress_status}</span>{" "}
        {a.overdue ? <span className="badge badge-danger">Overdue</span> : null}
        <div className="meta">
          {a.due_at ? `Due ${formatDateTime(a.due_at)}` : "No due date"} · {a.progress_percent}% done
        </div>
      </div>
      {editing ? (
        <form
          className="studio-due-form"
          aria-label={`Due date for ${name}`}
          onSubmit={(e) => {
            e.preventDefault();
            if (!date) return patch.mutate(null);
            const due = localToRfc3339(date, time);
            if (!due) return setLocalErr("Enter a valid date and time.");
            if (Date.parse(due) <= Date.now()) return setLocalErr("The due date must be in the future.");
            setLocalErr(null);
            patch.mutate(due);
          }}
        >
          <div className="studio-two">
            <TextField label={`New due date for ${name}`} type="date" value={date} onChange={setDate} error={localErr ?? serverErr} hint="Empty: no due date" />
            <div className="field">
              <label htmlFor={`time-${a.id}`}>Time</label>
              <input id={`time-${a.id}`} type="time" value={time} onChange={(e) => setTime(e.target.value)} />
            </div>
          </div>
          {patch.error && !serverErr ? <ErrorNotice error={patch.error} /> : null}
          <div className="btn-row">
            <button type="submit" className="btn btn-primary btn-small" disabled={patch.isPending}>
              {patch.isPending ? "Saving…" : "Save due date"}
            </button>
            <button type="button" className="btn btn-small" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <div className="btn-row">
          <button type="button" className="btn btn-small" onClick={() => setEditing(true)} aria-label={`Change due date for ${name}`}>
            Change due date
          </button>
          <button type="button" className="btn btn-small" onClick={() => setConfirm(true)} aria-label={`Remove assignment of ${name}`}>
            Remove
          </button>
        </div>
      )}
      <ConfirmDialog
        open={confirm}
        title={`Remove ${name}'s assignment?`}
        confirmLabel="Remove assignment"
        busy={del.isPending}
        onConfirm={() => del.mutate()}
        onCancel={() => setConfirm(false)}
      >
        <p>{name} keeps any progress already made.</p>
        <ErrorNotice error={del.error} />
      </ConfirmDialog>
    </li>
  );
}
