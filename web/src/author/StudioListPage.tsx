// /app/studio: the author's own modules (GET /modules?author_id=<me>), filtered by status, with
// search and Load more, and the "New module" form (POST /modules).
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import { api, ApiError, call, newIdempotencyKey } from "../api/client";
import { useUser } from "../auth/AuthContext";
import { SelectField, TextArea, TextField } from "../components/fields";
import { flowLabel, formatDateTime } from "../components/format";
import { Page } from "../components/Page";
import { useCursorList } from "../components/paging";
import { ErrorNotice, Loading } from "../components/Status";
import { StatusBadge, type FlowType, type ModuleStatus } from "./common";
import { LoadMore } from "../components/LoadMore";
import { BusyButton } from "../components/BusyButton";

type StatusFilter = "" | ModuleStatus;

export function StudioListPage() {
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const status = (params.get("status") ?? "") as StatusFilter;
  const q = params.get("q") ?? "";
  const [search, setSearch] = useState(q);
  const [creating, setCreating] = useState(false);
  const newButton = useRef<HTMLButtonElement>(null);

  const list = useCursorList(["modules", "studio", user.id, status, q], (cursor) =>
    call(
      api.GET("/api/v1/modules", {
        params: {
          query: {
            author_id: user.id,
            ...(status ? { status } : {}),
            ...(q ? { q } : {}),
            ...(cursor ? { cursor } : {}),
            limit: 20,
          },
        },
      }),
    ),
  );

  function update(next: { status?: StatusFilter; q?: string }) {
    const p = new URLSearchParams(params);
    const s = next.status ?? status;
    const query = next.q ?? q;
    if (s) p.set("status", s);
    else p.delete("status");
    if (query.trim()) p.set("q", query.trim());
    else p.delete("q");
    setParams(p, { replace: true });
  }

  return (
    <Page
      title="Studio"
      actions={
        <>
          <Link className="btn" to="/app/studio/checkins">
            Check-in summary
          </Link>
          <button
            type="button"
            ref={newButton}
            className="btn btn-primary"
            aria-expanded={creating}
            aria-controls="new-module"
            onClick={() => setCreating((c) => !c)}
          >
            New module
          </button>
        </>
      }
    >
      {creating ? (
        <NewModuleForm
          onCancel={() => {
            setCreating(false);
            newButton.current?.focus();
          }}
        />
      ) : null}

      <h2>Your modules</h2>
      <form
        role="search"
        aria-label="Your modules"
        className="studio-filters"
        onSubmit={(e) => {
          e.preventDefault();
          update({ q: search });
        }}
      >
        <SelectField<StatusFilter>
          label="Status"
          value={status}
          onChange={(v) => update({ status: v })}
          options={[
            { value: "", label: "All" },
            { value: "draft", label: "Drafts" },
            { value: "published", label: "Published" },
            { value: "archived", label: "Archived" },
          ]}
        />
        <TextField label="Search by title" type="search" value={search} onChange={setSearch} maxLength={100} />
        <div className="studio-filters-submit">
          <button type="submit" className="btn">
            Search
          </button>
        </div>
      </form>

      {list.isLoading ? (
        <Loading label="Loading your modules…" />
      ) : list.error ? (
        <ErrorNotice error={list.error} retry={() => void list.refetch()} />
      ) : (
        <>
          <p role="status" className="meta">
            {list.items.length === 0
              ? q || status
                ? "No modules match."
                : "You have no modules yet. Start with “New module”."
              : `${list.items.length}${list.hasMore ? "+" : ""} module${list.items.length === 1 ? "" : "s"}`}
          </p>
          <ul className="card-list studio-modules">
            {list.items.map((m) => (
              <li key={m.id}>
                <h3 className="studio-card-title">
                  <Link to={`/app/studio/modules/${m.id}`}>{m.title}</Link>
                </h3>
                <p className="studio-badges">
                  <StatusBadge status={m.status} /> <span className="badge">{flowLabel[m.flow_type]}</span>
                </p>
                <p className="meta">
                  {m.screen_count} screen{m.screen_count === 1 ? "" : "s"} · updated {formatDateTime(m.updated_at)}
                </p>
                <p className="studio-card-links">
                  <Link to={`/app/studio/modules/${m.id}/feedback`} aria-label={`Feedback on ${m.title}`}>
                    Feedback
                  </Link>
                  <Link to={`/app/studio/modules/${m.id}/analytics`} aria-label={`Analytics of ${m.title}`}>
                    Analytics
                  </Link>
                  {m.status === "published" ? (
                    <Link to={`/app/studio/modules/${m.id}/assign`} aria-label={`Assign ${m.title}`}>
                      Assign
                    </Link>
                  ) : null}
                </p>
              </li>
            ))}
          </ul>
          <LoadMore list={list} />
        </>
      )}
    </Page>
  );
}

function NewModuleForm({ onCancel }: { onCancel(): void }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [flow, setFlow] = useState<FlowType>("linear");
  const [passScore, setPassScore] = useState("70");
  const [maxAttempts, setMaxAttempts] = useState("");
  const [key] = useState(newIdempotencyKey);
  const [local, setLocal] = useState<Record<string, string>>({});
  const box = useRef<HTMLFormElement>(null);

  useEffect(() => {
    box.current?.querySelector("input")?.focus();
  }, []);

  const create = useMutation({
    mutationFn: () => {
      const settings =
        flow === "assessment"
          ? { pass_score: Number(passScore), max_attempts: maxAttempts.trim() ? Number(maxAttempts) : null }
          : {};
      return call(
        api.POST("/api/v1/modules", {
          params: { header: { "Idempotency-Key": key } },
          body: { title, description, flow_type: flow, settings },
        }),
      );
    },
    onSuccess: (m) => {
      void queryClient.invalidateQueries({ queryKey: ["modules"] });
      queryClient.setQueryData(["module", m.id], m);
      navigate(`/app/studio/modules/${m.id}`);
    },
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    if (create.isPending) return;
    const errs: Record<string, string> = {};
    if (!title.trim()) errs.title = "Give the module a title.";
    if (flow === "assessment") {
      const n = Number(passScore);
      if (!/^\d+$/.test(passScore) || n > 100) errs["settings.pass_score"] = "Enter a whole number from 0 to 100.";
      if (maxAttempts.trim() && (!/^\d+$/.test(maxAttempts) || Number(maxAttempts) < 1 || Number(maxAttempts) > 100))
        errs["settings.max_attempts"] = "Enter a whole number from 1 to 100, or leave empty for unlimited.";
    }
    setLocal(errs);
    if (Object.keys(errs).length === 0) create.mutate();
  }

  const server = create.error instanceof ApiError ? create.error.fieldErrors() : {};
  const err = (k: string) => local[k] ?? server[k];

  return (
    <form id="new-module" ref={box} className="card form-narrow" onSubmit={submit} aria-labelledby="new-module-h" noValidate>
      <h2 id="new-module-h">New module</h2>
      {create.error && !(create.error instanceof ApiError && create.error.status === 422) ? (
        <ErrorNotice error={create.error} />
      ) : null}
      <TextField label="Title" required value={title} onChange={setTitle} maxLength={200} error={err("title")} />
      <TextArea
        label="Description"
        value={description}
        onChange={setDescription}
        maxLength={5000}
        error={err("description")}
      />
      <SelectField<FlowType>
        label="Flow type"
        value={flow}
        onChange={setFlow}
        hint="Linear: screens in order. Branching: learners choose paths. Assessment: scored questions. Cannot be changed later."
        error={err("flow_type")}
        options={[
          { value: "linear", label: "Linear" },
          { value: "branching", label: "Branching" },
          { value: "assessment", label: "Assessment" },
        ]}
      />
      {flow === "assessment" ? (
        <>
          <TextField
            label="Pass score (%)"
            type="number"
            value={passScore}
            onChange={setPassScore}
            hint="0 to 100"
            error={err("settings.pass_score")}
          />
          <TextField
            label="Maximum attempts"
            type="number"
            value={maxAttempts}
            onChange={setMaxAttempts}
            hint="1 to 100; leave empty for unlimited"
            error={err("settings.max_attempts")}
          />
        </>
      ) : flow === "branching" ? (
        <p className="hint">You choose the start screen once the module has screens.</p>
      ) : null}
      <div className="btn-row">
        <BusyButton type="submit" className="btn btn-primary" busy={create.isPending}>
          {create.isPending ? "Creating…" : "Create module"}
        </BusyButton>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
