// /app/studio/modules/:moduleId — one module: its settings (PATCH, drafts only), its screens (add,
// edit, delete, reorder by buttons or drag and drop, PUT screen-order), and its lifecycle: publish
// (with the §7 errors as a linked summary and next to each field), archive, publish again, copy,
// delete draft.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useLocation, useNavigate, useParams } from "react-router-dom";
import { api, ApiError, call, newIdempotencyKey, type Module, type Screen } from "../api/client";
import { flowLabel, formatDateTime } from "../components/format";
import { Page } from "../components/Page";
import { ErrorNotice, Loading, SuccessNotice } from "../components/Status";
import { ConfirmDialog, focusWhenDrawn, ModuleNav, moduleKey, screensKey, screenTypeLabel, StatusBadge, useModule, useScreens } from "./common";
import { errs, IdInput, IdSelect } from "./fields";
import {
  parsePublishErrors,
  screenAnchorId,
  SCREENS_HEADING_ID,
  START_SCREEN_FIELD_ID,
  type PublishErrors,
} from "./publishErrors";
import { ScreenForm, screenOptions } from "./ScreenForm";
import { BusyButton } from "../components/BusyButton";

const LOCKED = "Only draft modules can be edited";

export function ModuleEditorPage() {
  const { moduleId = "" } = useParams();
  const mod = useModule(moduleId);
  const screens = useScreens(moduleId);

  if (mod.isLoading) return <Loading label="Loading the module…" />;
  if (mod.error || !mod.data)
    return (
      <Page title="Module">
        <ErrorNotice error={mod.error} retry={() => void mod.refetch()} />
      </Page>
    );
  return <Editor key={mod.data.id} module={mod.data} screensQuery={screens} />;
}

function Editor({ module, screensQuery }: { module: Module; screensQuery: ReturnType<typeof useScreens> }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const [publishErrors, setPublishErrors] = useState<PublishErrors | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [adding, setAdding] = useState(false);
  const [copyKey] = useState(newIdempotencyKey);
  const summaryRef = useRef<HTMLHeadingElement>(null);
  const screens = screensQuery.data ?? [];
  const readOnly = module.status !== "draft";

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: moduleKey(module.id) });
    void queryClient.invalidateQueries({ queryKey: ["modules"] });
  };
  const setModule = (m: Module) => {
    queryClient.setQueryData(moduleKey(m.id), m);
    void queryClient.invalidateQueries({ queryKey: ["modules"] });
  };

  const publish = useMutation({
    mutationFn: () => call(api.POST("/api/v1/modules/{module_id}/publish", { params: { path: { module_id: module.id } } })),
    onMutate: () => {
      setNotice(null);
    },
    onSuccess: (m) => {
      setPublishErrors(null);
      setModule(m);
      setNotice(module.status === "archived" ? "Published again. Learners can find it in the catalogue." : "Published. Learners can now find it in the catalogue.");
    },
    onError: async (e) => {
      if (e instanceof ApiError && e.status === 422) {
        // The indexes in the errors are positions at publish time: read the screens as they are now.
        const fresh = await queryClient.fetchQuery({
          queryKey: screensKey(module.id),
          queryFn: () =>
            call(api.GET("/api/v1/modules/{module_id}/screens", { params: { path: { module_id: module.id } } })).then((r) => r.items),
          staleTime: 0,
        });
        const parsed = parsePublishErrors(e.items, fresh);
        setPublishErrors(parsed);
        setExpanded((old) => new Set([...old, ...Object.keys(parsed.screens)]));
        requestAnimationFrame(() => summaryRef.current?.focus());
      }
    },
  });
  const archive = useMutation({
    mutationFn: () => call(api.POST("/api/v1/modules/{module_id}/archive", { params: { path: { module_id: module.id } } })),
    onMutate: () => setNotice(null),
    onSuccess: (m) => {
      setModule(m);
      setNotice("Archived. It is hidden from the catalogue; learners who started or were assigned it can still finish it.");
    },
  });
  const copy = useMutation({
    mutationFn: () =>
      call(
        api.POST("/api/v1/modules/{module_id}/copy", {
          params: { path: { module_id: module.id }, header: { "Idempotency-Key": copyKey } },
          body: {},
        }),
      ),
    onSuccess: (m) => {
      queryClient.setQueryData(moduleKey(m.id), m);
      void queryClient.invalidateQueries({ queryKey: ["modules"] });
      navigate(`/app/studio/modules/${m.id}`, { state: { copiedFrom: module.title } });
    },
  });
  const remove = useMutation({
    mutationFn: () => call(api.DELETE("/api/v1/modules/{module_id}", { params: { path: { module_id: module.id } } })),
    onSuccess: () => {
      setConfirmDelete(false);
      queryClient.removeQueries({ queryKey: moduleKey(module.id) });
      void queryClient.invalidateQueries({ queryKey: ["modules"] });
      navigate("/app/studio", { replace: true });
    },
  });
  const actionError = publish.error && !(publish.error instanceof ApiError && publish.error.status === 422) ? publish.error : archive.error ?? copy.error;

  function focusIssue(screenId: string | null, targetId: string) {
    const go = () => {
      const el = document.getElementById(targetId);
      if (!el) return false;
      el.scrollIntoView({ block: "center" });
      el.focus();
      return true;
    };
    if (go()) return;
    // The field is in a screen's editor that is closed: open it, then focus once it is drawn.
    if (screenId) setExpanded((old) => new Set([...old, screenId]));
    requestAnimationFrame(() => void go());
  }

  const copiedFrom = (location.state as { copiedFrom?: string } | null)?.copiedFrom;

  return (
    <Page title={module.title}>
      <p className="studio-status">
        <StatusBadge status={module.status} /> <span className="badge">{flowLabel[module.flow_type]}</span>{" "}
        <span className="meta">
          {module.status === "published" && module.published_at ? `Published ${formatDateTime(module.published_at)}` : null}
          {module.status === "archived" && module.archived_at ? `Archived ${formatDateTime(module.archived_at)}` : null}
          {module.status === "draft" ? `Last changed ${formatDateTime(module.updated_at)}` : null}
        </span>
      </p>
      <ModuleNav module={module} />

      {copiedFrom && module.status === "draft" && module.copied_from_id ? (
        <p className="notice notice-info">This is a new draft copied from “{copiedFrom}”. Edit it, then publish it.</p>
      ) : null}

      {readOnly ? (
        <div className="notice notice-warn" role="note">
          <span>
            {module.status === "published" ? "This module is published" : "This module is archived"}, so it can no longer be edited: learners’
            progress always belongs to the version they took. To change it, copy it — the copy is a new draft you can edit and publish.
          </span>
          <button type="button" className="btn btn-small" onClick={() => !copy.isPending && copy.mutate()} aria-busy={copy.isPending}>
            {copy.isPending ? "Copying…" : "Copy to edit"}
          </button>
        </div>
      ) : null}

      {publishErrors && publishErrors.issues.length ? (
        <div className="notice notice-error studio-error-summary" role="alert" aria-labelledby="publish-errors-h">
          <h2 id="publish-errors-h" ref={summaryRef} tabIndex={-1}>
            The module cannot be published yet ({publishErrors.issues.length} problem{publishErrors.issues.length === 1 ? "" : "s"})
          </h2>
          <ul>
            {publishErrors.issues.map((i) => (
              <li key={i.key}>
                <a
                  href={`#${i.targetId}`}
                  onClick={(ev) => {
                    ev.preventDefault();
                    focusIssue(i.screenId, i.targetId);
                  }}
                >
                  {i.where}: {i.message}
                </a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {notice ? <SuccessNotice>{notice}</SuccessNotice> : null}
      <ErrorNotice error={actionError} />

      <div className="btn-row" role="group" aria-label="Module actions">
        {module.status !== "published" ? (
          <button type="button" className="btn btn-primary" onClick={() => !publish.isPending && publish.mutate()} aria-busy={publish.isPending}>
            {publish.isPending ? "Publishing…" : module.status === "archived" ? "Publish again" : "Publish"}
          </button>
        ) : (
          <button type="button" className="btn" onClick={() => !archive.isPending && archive.mutate()} aria-busy={archive.isPending}>
            {archive.isPending ? "Archiving…" : "Archive"}
          </button>
        )}
        <button type="button" className="btn" onClick={() => !copy.isPending && copy.mutate()} aria-busy={copy.isPending}>
          {copy.isPending ? "Copying…" : "Copy"}
        </button>
        {readOnly ? null : (
          <button type="button" className="btn btn-danger" onClick={() => setConfirmDelete(true)}>
            Delete draft
          </button>
        )}
      </div>
      <ConfirmDialog
        open={confirmDelete}
        title="Delete this draft?"
        confirmLabel="Delete draft"
        busy={remove.isPending}
        onConfirm={() => remove.mutate()}
        onCancel={() => setConfirmDelete(false)}
      >
        <p>“{module.title}” and its {module.screen_count} screen{module.screen_count === 1 ? "" : "s"} will be deleted. This cannot be undone.</p>
        <ErrorNotice error={remove.error} />
      </ConfirmDialog>

      <SettingsForm
        key={module.id}
        module={module}
        screens={screens}
        readOnly={readOnly}
        startErrors={publishErrors?.module["settings.start_screen_id"] ?? []}
        onSaved={(m) => {
          setModule(m);
          setPublishErrors((p) => (p ? dropModuleKey(p, "settings.start_screen_id") : p));
        }}
        onLocked={refresh}
      />

      <section aria-labelledby={SCREENS_HEADING_ID}>
        <h2 id={SCREENS_HEADING_ID} tabIndex={-1}>
          Screens
        </h2>
        {publishErrors?.module.screens?.length ? <div className="field-error">{publishErrors.module.screens.join(" ")}</div> : null}
        {screensQuery.isLoading ? (
          <Loading label="Loading screens…" />
        ) : screensQuery.error ? (
          <ErrorNotice error={screensQuery.error} retry={() => void screensQuery.refetch()} />
        ) : (
          <ScreenList
            module={module}
            screens={screens}
            readOnly={readOnly}
            expanded={expanded}
            setExpanded={setExpanded}
            publishErrors={publishErrors}
            onScreenSaved={(id) => setPublishErrors((p) => (p ? dropScreen(p, id) : p))}
            onLocked={refresh}
          />
        )}
        {readOnly ? null : adding ? (
          <div className="card">
            <h3>New screen</h3>
            <ScreenForm
              moduleId={module.id}
              flow={module.flow_type}
              screen={null}
              screens={screens}
              readOnly={false}
              onLocked={refresh}
              onCancel={() => {
                setAdding(false);
                focusWhenDrawn("add-screen");
              }}
              onSaved={(s) => {
                queryClient.setQueryData<Screen[]>(screensKey(module.id), (old) => [...(old ?? []), s].sort((a, b) => a.position - b.position));
                void queryClient.invalidateQueries({ queryKey: screensKey(module.id) });
                refresh();
                setAdding(false);
                setNotice(`Screen “${s.title}” added.`);
                focusWhenDrawn(screenAnchorId(s.id));
              }}
            />
          </div>
        ) : (
          <div className="btn-row">
            <button type="button" id="add-screen" className="btn btn-primary" onClick={() => {
                setAdding(true);
                focusWhenDrawn("new-screen-type");
              }}
              disabled={module.screen_count >= 200}>
              Add screen
            </button>
          </div>
        )}
      </section>
    </Page>
  );
}

function dropModuleKey(p: PublishErrors, key: string): PublishErrors {
  const module = { ...p.module };
  delete module[key];
  const target = key === "settings.start_screen_id" ? START_SCREEN_FIELD_ID : null;
  return { ...p, module, issues: p.issues.filter((i) => i.targetId !== target) };
}
function dropScreen(p: PublishErrors, screenId: string): PublishErrors {
  const screens = { ...p.screens };
  delete screens[screenId];
  return { ...p, screens, issues: p.issues.filter((i) => i.screenId !== screenId) };
}

/* The module's title, description and settings per flow (§3). */
function SettingsForm({
  module,
  screens,
  readOnly,
  startErrors,
  onSaved,
  onLocked,
}: {
  module: Module;
  screens: Screen[];
  readOnly: boolean;
  startErrors: string[];
  onSaved(m: Module): void;
  onLocked(): void;
}) {
  const s = module.settings as { pass_score?: number | null; max_attempts?: number | null; start_screen_id?: string | null };
  const [title, setTitle] = useState(module.title);
  const [description, setDescription] = useState(module.description);
  const [passScore, setPassScore] = useState(String(s.pass_score ?? 70));
  const [maxAttempts, setMaxAttempts] = useState(s.max_attempts == null ? "" : String(s.max_attempts));
  const [start, setStart] = useState(s.start_screen_id ?? "");
  const [saved, setSaved] = useState(false);

  const save = useMutation({
    mutationFn: () => {
      const settings =
        module.flow_type === "assessment"
          ? { pass_score: passScore.trim() === "" ? 70 : Number(passScore), max_attempts: maxAttempts.trim() ? Number(maxAttempts) : null }
          : module.flow_type === "branching"
            ? { start_screen_id: start || null }
            : {};
      return call(
        api.PATCH("/api/v1/modules/{module_id}", {
          params: { path: { module_id: module.id } },
          body: { title, description, settings },
        }),
      );
    },
    onSuccess: (m) => {
      setSaved(true);
      onSaved(m);
    },
    onError: (e) => {
      if (e instanceof ApiError && e.status === 409 && e.detail === LOCKED) onLocked();
    },
  });
  const fe = save.error instanceof ApiError && save.error.status === 422 ? save.error.fieldErrors() : {};
  const startOptions = [{ value: "", label: "Not chosen yet" }, ...screenOptions(screens)];
  if (start && !startOptions.some((o) => o.value === start)) startOptions.push({ value: start, label: "A screen that no longer exists" });

  function submit(e: FormEvent) {
    e.preventDefault();
    if (save.isPending) return;
    setSaved(false);
    save.mutate();
  }

  return (
    <section aria-labelledby="settings-h" className="card">
      <h2 id="settings-h">Settings</h2>
      <form onSubmit={submit} noValidate>
        <fieldset disabled={readOnly} className="studio-bare">
          {save.error && !(save.error instanceof ApiError && save.error.status === 422) ? (
            <ErrorNotice error={save.error instanceof ApiError && save.error.detail === LOCKED ? new Error("Only draft modules can be edited. Copy this module to change it.") : save.error} />
          ) : null}
          {saved && !save.isPending ? <SuccessNotice>Settings saved.</SuccessNotice> : null}
          <IdInput id="module-title" label="Title" required value={title} onChange={setTitle} maxLength={200} errors={errs(fe.title)} />
          <IdInput id="module-description" label="Description" multiline value={description} onChange={setDescription} maxLength={5000} errors={errs(fe.description)} />
          <p className="meta">Flow type: {flowLabel[module.flow_type]} (fixed when the module was created)</p>
          {module.flow_type === "assessment" ? (
            <div className="studio-two">
              <IdInput id="module-pass-score" label="Pass score (%)" type="number" value={passScore} onChange={setPassScore} hint="0 to 100" errors={errs(fe["settings.pass_score"])} />
              <IdInput
                id="module-max-attempts"
                label="Maximum attempts"
                type="number"
                value={maxAttempts}
                onChange={setMaxAttempts}
                hint="1 to 100; empty for unlimited"
                errors={errs(fe["settings.max_attempts"])}
              />
            </div>
          ) : null}
          {module.flow_type === "branching" ? (
            <IdSelect
              id={START_SCREEN_FIELD_ID}
              label="Start screen"
              value={start}
              onChange={setStart}
              options={startOptions}
              hint={screens.length ? "The screen every learner starts on." : "Add screens first, then choose where learners start."}
              errors={errs(fe["settings.start_screen_id"], startErrors)}
            />
          ) : null}
          {readOnly ? null : (
            <BusyButton type="submit" className="btn btn-primary" busy={save.isPending}>
              {save.isPending ? "Saving…" : "Save settings"}
            </BusyButton>
          )}
        </fieldset>
      </form>
    </section>
  );
}

/* The screens in position order, with edit/delete and reordering (buttons and drag and drop). */
function ScreenList({
  module,
  screens,
  readOnly,
  expanded,
  setExpanded,
  publishErrors,
  onScreenSaved,
  onLocked,
}: {
  module: Module;
  screens: Screen[];
  readOnly: boolean;
  expanded: Set<string>;
  setExpanded(f: (old: Set<string>) => Set<string>): void;
  publishErrors: PublishErrors | null;
  onScreenSaved(id: string): void;
  onLocked(): void;
}) {
  const queryClient = useQueryClient();
  const [announce, setAnnounce] = useState("");
  const [dragId, setDragId] = useState<string | null>(null);
  const [overId, setOverId] = useState<string | null>(null);
  const [toDelete, setToDelete] = useState<Screen | null>(null);
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const pendingFocus = useRef<{ id: string; dir: "up" | "down" } | null>(null);
  const key = screensKey(module.id);
  const branching = module.flow_type === "branching";
  const startId = (module.settings as { start_screen_id?: string | null }).start_screen_id ?? null;
  const byId = new Map(screens.map((s) => [s.id, s]));

  const reorder = useMutation({
    mutationFn: (ids: string[]) =>
      call(api.PUT("/api/v1/modules/{module_id}/screen-order", { params: { path: { module_id: module.id } }, body: { screen_ids: ids } })).then(
        (r) => r.items,
      ),
    onMutate: async (ids) => {
      await queryClient.cancelQueries({ queryKey: key });
      const previous = queryClient.getQueryData<Screen[]>(key);
      const map = new Map((previous ?? []).map((s) => [s.id, s]));
      queryClient.setQueryData<Screen[]>(
        key,
        ids.map((id, i) => ({ ...(map.get(id) as Screen), position: i + 1 })),
      );
      return { previous };
    },
    onError: (e, _ids, ctx) => {
      if (ctx?.previous) queryClient.setQueryData(key, ctx.previous);
      setAnnounce("The new order could not be saved; the screens are back in their previous order.");
      if (e instanceof ApiError && e.status === 409) onLocked();
    },
    onSuccess: (items) => {
      queryClient.setQueryData(key, items);
    },
  });

  function move(id: string, to: number, dir?: "up" | "down") {
    const ids = screens.map((s) => s.id);
    const from = ids.indexOf(id);
    if (from < 0 || to < 0 || to >= ids.length || from === to) return;
    ids.splice(from, 1);
    ids.splice(to, 0, id);
    if (reorder.isPending) return; // one move at a time: each PUT lists the whole order
    const s = byId.get(id);
    if (dir) pendingFocus.current = { id, dir };
    setAnnounce("");
    reorder.mutate(ids, {
      onSuccess: () => setAnnounce(`“${s?.title ?? "Screen"}” moved to position ${to + 1} of ${ids.length}.`),
    });
  }

  useEffect(() => {
    const p = pendingFocus.current;
    if (!p) return;
    pendingFocus.current = null;
    const same = buttons.current.get(`${p.id}-${p.dir}`);
    const other = buttons.current.get(`${p.id}-${p.dir === "up" ? "down" : "up"}`);
    (same && !same.disabled ? same : other)?.focus();
  }, [screens]);

  const del = useMutation({
    mutationFn: (s: Screen) =>
      call(api.DELETE("/api/v1/modules/{module_id}/screens/{screen_id}", { params: { path: { module_id: module.id, screen_id: s.id } } })),
    onSuccess: (_v, s) => {
      queryClient.setQueryData<Screen[]>(key, (old) =>
        (old ?? []).filter((x) => x.id !== s.id).map((x) => (x.position > s.position ? { ...x, position: x.position - 1 } : x)),
      );
      setToDelete(null);
      setAnnounce(`Screen “${s.title}” deleted.`);
      void queryClient.invalidateQueries({ queryKey: key });
      void queryClient.invalidateQueries({ queryKey: moduleKey(module.id) });
      void queryClient.invalidateQueries({ queryKey: ["modules"] });
      focusWhenDrawn(SCREENS_HEADING_ID);
    },
    onError: (e) => {
      if (e instanceof ApiError && e.status === 409) onLocked();
    },
  });

  function describeNext(s: Screen): string | null {
    if (!branching) return null;
    if (s.type === "branch") {
      const choices = (s.content as { choices?: { text: string; next_screen_id: string }[] }).choices ?? [];
      return choices.map((c) => `“${c.text}” → ${byId.get(c.next_screen_id)?.title ?? "no screen"}`).join("; ");
    }
    return s.next_screen_id ? `Then: ${byId.get(s.next_screen_id)?.title ?? "a screen that no longer exists"}` : "Ends here";
  }

  return (
    <>
      <p className="visually-hidden" role="status" aria-live="polite">
        {announce}
      </p>
      {reorder.error ? <ErrorNotice error={reorder.error} /> : null}
      {screens.length === 0 ? <p className="meta">No screens yet. Add the first one below.</p> : null}
      {!readOnly && screens.length > 1 ? (
        <p className="hint">Reorder with the Move up and Move down buttons, or drag a screen by its handle.</p>
      ) : null}
      <ol className="studio-screens">
        {screens.map((s, i) => {
          const perScreen = publishErrors?.screens[s.id];
          const own = perScreen?.[""] ?? [];
          const count = perScreen ? Object.values(perScreen).reduce((n, l) => n + l.length, 0) : 0;
          const open = expanded.has(s.id);
          const next = describeNext(s);
          return (
            <li
              key={s.id}
              className={`studio-screen${dragId === s.id ? " is-dragging" : ""}${overId === s.id && dragId !== s.id ? " is-over" : ""}${count ? " has-error" : ""}`}
              onDragOver={(e) => {
                if (!dragId) return;
                e.preventDefault();
                e.dataTransfer.dropEffect = "move";
                setOverId(s.id);
              }}
              onDragLeave={() => setOverId((o) => (o === s.id ? null : o))}
              onDrop={(e) => {
                e.preventDefault();
                if (dragId) move(dragId, i);
                setDragId(null);
                setOverId(null);
              }}
            >
              <div className="studio-screen-head">
                {readOnly ? null : (
                  <span
                    className="studio-handle"
                    draggable
                    aria-hidden="true"
                    title="Drag to reorder"
                    onDragStart={(e) => {
                      setDragId(s.id);
                      e.dataTransfer.effectAllowed = "move";
                      e.dataTransfer.setData("text/plain", s.title);
                      const li = (e.currentTarget as HTMLElement).closest("li");
                      if (li) e.dataTransfer.setDragImage(li, 16, 16);
                    }}
                    onDragEnd={() => {
                      setDragId(null);
                      setOverId(null);
                    }}
                  >
                    ⠿
                  </span>
                )}
                <div className="studio-screen-title">
                  <h3 id={screenAnchorId(s.id)} tabIndex={-1}>
                    <span className="studio-pos">{s.position}.</span> {s.title}
                  </h3>
                  <p className="meta">
                    <span className="badge">{screenTypeLabel[s.type]}</span>
                    {branching && startId === s.id ? (
                      <>
                        {" "}
                        <span className="badge badge-ok">Start</span>
                      </>
                    ) : null}
                    {next ? <> {next}</> : null}
                  </p>
                  {own.length ? <div className="field-error">{own.join(" ")}</div> : null}
                  {count && !open ? (
                    <div className="field-error">
                      {count} problem{count === 1 ? "" : "s"} to fix in this screen.
                    </div>
                  ) : null}
                </div>
                <div className="studio-screen-actions">
                  <button
                    type="button"
                    className="btn btn-small"
                    aria-expanded={open}
                    aria-controls={`${screenAnchorId(s.id)}-panel`}
                    aria-label={`${open ? "Close" : readOnly ? "View" : "Edit"} “${s.title}”`}
                    onClick={() =>
                      setExpanded((old) => {
                        const n = new Set(old);
                        if (n.has(s.id)) n.delete(s.id);
                        else n.add(s.id);
                        return n;
                      })
                    }
                  >
                    {open ? "Close" : readOnly ? "View" : "Edit"}
                  </button>
                  {readOnly ? null : (
                    <>
                      <button
                        type="button"
                        className="btn btn-small"
                        ref={(el) => {
                          if (el) buttons.current.set(`${s.id}-up`, el);
                          else buttons.current.delete(`${s.id}-up`);
                        }}
                        aria-label={`Move “${s.title}” up`}
                        disabled={i === 0}
                        onClick={() => move(s.id, i - 1, "up")}
                      >
                        ↑ Up
                      </button>
                      <button
                        type="button"
                        className="btn btn-small"
                        ref={(el) => {
                          if (el) buttons.current.set(`${s.id}-down`, el);
                          else buttons.current.delete(`${s.id}-down`);
                        }}
                        aria-label={`Move “${s.title}” down`}
                        disabled={i === screens.length - 1}
                        onClick={() => move(s.id, i + 1, "down")}
                      >
                        ↓ Down
                      </button>
                      <button type="button" className="btn btn-small" aria-label={`Delete “${s.title}”`} onClick={() => setToDelete(s)}>
                        Delete
                      </button>
                    </>
                  )}
                </div>
              </div>
              {open ? (
                <div id={`${screenAnchorId(s.id)}-panel`} className="studio-screen-panel">
                  <ScreenForm
                    moduleId={module.id}
                    flow={module.flow_type}
                    screen={s}
                    screens={screens}
                    publishErrors={perScreen}
                    readOnly={readOnly}
                    onLocked={onLocked}
                    onSaved={(saved) => {
                      queryClient.setQueryData<Screen[]>(key, (old) => (old ?? []).map((x) => (x.id === saved.id ? saved : x)));
                      void queryClient.invalidateQueries({ queryKey: moduleKey(module.id) });
                      onScreenSaved(saved.id);
                      setAnnounce(`Screen “${saved.title}” saved.`);
                    }}
                  />
                </div>
              ) : null}
            </li>
          );
        })}
      </ol>
      <ConfirmDialog
        open={toDelete !== null}
        title="Delete this screen?"
        confirmLabel="Delete screen"
        busy={del.isPending}
        onConfirm={() => toDelete && del.mutate(toDelete)}
        onCancel={() => setToDelete(null)}
      >
        <p>“{toDelete?.title}” will be deleted. Choices or next screens pointing at it will need a new target before publishing.</p>
        <ErrorNotice error={del.error} />
      </ConfirmDialog>
    </>
  );
}
