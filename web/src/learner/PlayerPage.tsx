// The player (/app/modules/:moduleId/play[/:screenId]): one screen at a time, for the three flows
// of API.md §8. Progress is saved as the person goes with PUT …/progress and the `version`
// compare-and-swap: every write sends the version this page last saw. When another tab or device
// has moved on, the server answers 409 with its current state; the page adopts that state, moves
// to where it says the person is, and says so in a polite live region. Nothing is ever retried
// over the newer state.
//
// Where the player opens: the screen in the address when the person may see it, else where
// progress_data says they are (linear/assessment: current_screen_id; branching: the path's last
// step), else the finish panel of a finished module. "finish" in place of a screen id is the
// panel after the last screen (completion, or an assessment's submit and result).
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { Link, useLocation, useNavigate, useParams } from "react-router-dom";
import { api, ApiError, call, type Module, type Screen } from "../api/client";
import { formatDateTime } from "../components/format";
import { Page } from "../components/Page";
import { ErrorNotice, Loading } from "../components/Status";
import {
  assessmentData,
  assessmentSettings,
  branchingData,
  conflictIs,
  emptyResponse,
  fetchProgress,
  isChecklist,
  isQuestionAnswer,
  isReflection,
  linearData,
  progressKey,
  requirementHint,
  requirementMet,
  screensKey,
  startScreenId,
  useModule,
  useProgress,
  useScreens,
  versionConflict,
  type AnswerResult,
  type ChecklistResponse,
  type Progress,
  type QuestionContent,
  type ReflectionResponse,
} from "./api";
import { ProgressBar, StatusBadge } from "./bits";
import { BranchView, ChecklistView, ContentView, QuestionView, ReflectionView, type QuestionOutcome } from "./ScreenViews";
import { BusyButton } from "../components/BusyButton";

export const CONFLICT_NOTICE = "This module was updated in another tab or device; showing the latest progress.";

/* 409s that mean "your page is behind": the fresh state is fetched and adopted like a version conflict. */
const STALE_CONFLICTS = [
  "Attempt already submitted",
  "Current attempt is not submitted",
  "Module already passed",
  "No attempts remaining",
  "Question already answered",
];

export function PlayerPage() {
  const { moduleId = "", screenId } = useParams();
  const module = useModule(moduleId);
  const screens = useScreens(moduleId, module.isSuccess);
  const progress = useProgress(moduleId, { live: false, enabled: module.isSuccess });

  const error = module.error ?? screens.error ?? progress.error;
  if (error)
    return (
      <Page title="Module">
        <ErrorNotice
          error={error}
          retry={() => {
            void module.refetch();
            void screens.refetch();
            void progress.refetch();
          }}
        />
        <p>
          <Link to="/app/modules">Back to all modules</Link>
        </p>
      </Page>
    );
  if (!module.data || !screens.data || !progress.data) return <Loading label="Loading the module…" />;
  return <Player module={module.data} screens={screens.data} progress={progress.data} param={screenId} />;
}

/* ---------- what every flow shares ---------- */

type Response = ReflectionResponse | ChecklistResponse;

interface Ctx {
  module: Module;
  busy: boolean;
  /* Runs one write; `after` gets the new state. Conflicts are adopted, other failures shown. */
  run(fn: () => Promise<Progress>, after?: (p: Progress) => void): Promise<void>;
  /* Stores a state the server returned in the middle of a multi-step write. */
  store(p: Progress): void;
  /* Moves the player: a screen id, "finish", or null for "where the progress says". */
  go(target: string | null, opts?: { replace?: boolean; step?: number }): void;
  announce(text: string): void;
  put(version: number, data: Progress["progress_data"]): Promise<Progress>;
  focusOnMount: boolean;
}

function Player({
  module,
  screens,
  progress,
  param,
}: {
  module: Module;
  screens: Screen[];
  progress: Progress;
  param: string | undefined;
}) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [notice, setNotice] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [epoch, setEpoch] = useState(0);
  const retry = useRef<(() => void) | null>(null);
  const base = `/app/modules/${module.id}/play`;

  const go = useCallback<Ctx["go"]>(
    (target, opts) =>
      navigate(target ? `${base}/${target}` : base, {
        replace: opts?.replace ?? false,
        state: opts?.step !== undefined ? { step: opts.step } : null,
      }),
    [navigate, base],
  );

  const store = useCallback((p: Progress) => qc.setQueryData(progressKey(module.id), p), [qc, module.id]);

  const adopt = useCallback(
    (p: Progress) => {
      store(p);
      setEpoch((e) => e + 1); // the flow remounts: unsaved input of the older state is dropped
      setNotice(CONFLICT_NOTICE);
      void qc.invalidateQueries({ queryKey: screensKey(module.id) }); // what the server reveals may have changed
      go(null, { replace: true });
    },
    [store, qc, module.id, go],
  );

  const run = useCallback<Ctx["run"]>(
    async (fn, after) => {
      setBusy(true);
      setError(null);
      retry.current = null;
      try {
        // A read still on its way (the player's opening refetch) must not land after this write
        // and put an older version back in the cache.
        await qc.cancelQueries({ queryKey: progressKey(module.id) });
        const p = await fn();
        store(p);
        setNotice(null);
        after?.(p);
      } catch (e) {
        const current = versionConflict(e);
        if (current) adopt(current);
        else if (STALE_CONFLICTS.some((d) => conflictIs(e, d)) || staleAnswer(e)) {
          try {
            adopt(await fetchProgress(module.id));
          } catch (e2) {
            setError(e2);
          }
        } else {
          setError(userError(e));
          retry.current = () => void run(fn, after);
        }
      } finally {
        setBusy(false);
      }
    },
    [store, adopt, module.id, qc],
  );

  /* Saves with the version the page shows now: the cache's, which this tab's own writes and
   * adoptions keep (a retried write after a half-done two-step action must not send the version
   * its first try started from). `version` is the caller's view, used when nothing is cached. */
  const put = useCallback<Ctx["put"]>(
    (version, data) =>
      call(
        api.PUT("/api/v1/modules/{module_id}/progress", {
          params: { path: { module_id: module.id } },
          body: { version: qc.getQueryData<Progress>(progressKey(module.id))?.version ?? version, progress_data: data },
        }),
      ),
    [module.id, qc],
  );

  const ctx: Ctx = { module, busy, run, store, go, announce: setAnnouncement, put, focusOnMount: epoch > 0 };
  const props = { ctx, screens, progress, param };
  let flow: ReactNode;
  if (screens.length === 0) flow = <p>This module has no screens yet.</p>;
  else if (module.flow_type === "linear") flow = <LinearFlow key={epoch} {...props} />;
  else if (module.flow_type === "branching") flow = <BranchingFlow key={epoch} {...props} />;
  else flow = <AssessmentFlow key={epoch} {...props} />;

  return (
    <Page title={module.title}>
      <p className="meta player-back">
        <Link to={`/app/modules/${module.id}`}>About this module</Link>
      </p>
      <div role="status" aria-live="polite" className="player-live">
        {notice ? (
          <div className="notice notice-info">
            <span>{notice}</span>
          </div>
        ) : null}
        <span className="visually-hidden">{announcement}</span>
      </div>
      <ErrorNotice error={error} retry={retry.current ?? undefined} />
      {flow}
    </Page>
  );
}

function staleAnswer(e: unknown): boolean {
  return e instanceof ApiError && e.status === 422 && e.items.some((i) => i.type === "screen_not_reachable");
}

function userError(e: unknown): unknown {
  if (e instanceof ApiError && e.status === 422 && e.items.length)
    return new Error(`Your progress could not be saved: ${e.items.map((i) => i.msg).join("; ")}.`);
  return e;
}

/* Focus the screen's heading whenever the shown screen changes (not on first load). */
function useHeadingFocus(viewKey: string, focusOnMount: boolean) {
  const ref = useRef<HTMLHeadingElement>(null);
  const last = useRef<string | null>(focusOnMount ? null : viewKey);
  useEffect(() => {
    if (last.current === viewKey) return;
    last.current = viewKey;
    ref.current?.focus();
  }, [viewKey]);
  return ref;
}

function ScreenCard({
  headingRef,
  title,
  position,
  percent,
  children,
  hint,
  nav,
}: {
  headingRef: React.RefObject<HTMLHeadingElement | null>;
  title: string;
  position: string;
  percent: number;
  children: ReactNode;
  hint?: string | null;
  nav: ReactNode;
}) {
  return (
    <>
      <div className="player-progress">
        <p className="player-position">{position}</p>
        <ProgressBar percent={percent} label="Module progress" />
      </div>
      <section className="card screen" aria-labelledby="screen-title">
        <h2 id="screen-title" ref={headingRef} tabIndex={-1}>
          {title}
        </h2>
        {children}
      </section>
      {hint ? (
        <p className="player-hint field-error" role="alert" id={PLAYER_HINT_ID}>
          {hint}
        </p>
      ) : null}
      <nav className="player-nav" aria-label="Screens">
        {nav}
      </nav>
    </>
  );
}

function PrevButton({ onClick, disabled = false }: { onClick(): void; disabled?: boolean }) {
  return (
    <BusyButton className="btn" onClick={onClick} busy={disabled}>
      <span aria-hidden="true">← </span>Previous
    </BusyButton>
  );
}

function NextButton({ label = "Next", onClick, busy }: { label?: string; onClick(): void; busy: boolean }) {
  return (
    <BusyButton className="btn btn-primary" onClick={onClick} busy={busy}>
      {label}
      {label === "Next" ? <span aria-hidden="true"> →</span> : null}
    </BusyButton>
  );
}

/* A reflection's or checklist's input, bound to the flow's drafts. */
/* The message under a screen saying what it still needs; the input it concerns points to it. */
const PLAYER_HINT_ID = "player-hint";

function ResponseInput({
  screen,
  response,
  setResponse,
  locked,
  problem = null,
}: {
  screen: Screen;
  response: unknown;
  setResponse(r: Response): void;
  locked: boolean;
  /* The id of the message saying what is missing (the screen's hint), when there is one. */
  problem?: string | null;
}) {
  if (screen.type === "reflection")
    return (
      <ReflectionView
        screen={screen}
        text={isReflection(response) ? response.text : ""}
        onChange={(text) => setResponse({ text })}
        locked={locked}
        problem={problem}
      />
    );
  return (
    <ChecklistView
      screen={screen}
      checked={isChecklist(response) ? response.checked_item_ids : []}
      onChange={(ids) => setResponse({ checked_item_ids: ids })}
      locked={locked}
      problem={problem}
    />
  );
}

/* The body of a content, question, reflection or checklist screen in a linear or branching
 * module (a branch screen's choices are the branching flow's own). */
function LearningScreen({
  ctx,
  screen,
  stored,
  revealed,
  onAnswer,
  response,
  setResponse,
  problem,
}: {
  ctx: Ctx;
  screen: Screen;
  stored: unknown;
  revealed: AnswerResult | undefined;
  onAnswer(optionIds: string[]): void;
  response: unknown;
  setResponse(r: Response): void;
  problem: string | null;
}) {
  if (screen.type === "content") return <ContentView screen={screen} />;
  if (screen.type === "question")
    return <GradedQuestion key={screen.id} ctx={ctx} screen={screen} stored={stored} revealed={revealed} onAnswer={onAnswer} />;
  if (screen.type === "reflection" || screen.type === "checklist")
    return <ResponseInput screen={screen} response={response} setResponse={setResponse} locked={false} problem={problem} />;
  return null;
}

/* A question of a linear or branching module: answered once, graded by the server (§8.5). */
function GradedQuestion({
  ctx,
  screen,
  stored,
  revealed,
  onAnswer,
}: {
  ctx: Ctx;
  screen: Screen;
  stored: unknown;
  revealed: AnswerResult | undefined;
  onAnswer(optionIds: string[]): void;
}) {
  const [selected, setSelected] = useState<string[]>([]);
  const c = screen.content as QuestionContent;
  const answer = isQuestionAnswer(stored) ? stored : null;
  const outcome: QuestionOutcome | undefined = answer
    ? {
        correct: answer.correct,
        correctOptionIds: revealed?.correct_option_ids ?? c.correct_option_ids,
        explanation: revealed ? revealed.explanation : c.explanation,
      }
    : undefined;
  // Once answered here, the button is gone: the result takes the focus (and is read out).
  const box = useRef<HTMLDivElement>(null);
  const answeredHere = useRef(false);
  useEffect(() => {
    if (!answer || !answeredHere.current) return;
    const result = box.current?.querySelector<HTMLElement>(".question-result");
    if (result) {
      result.tabIndex = -1;
      result.focus();
    }
  }, [answer]);
  return (
    <div ref={box}>
      <QuestionView
        screen={screen}
        selected={answer ? answer.option_ids : selected}
        onChange={setSelected}
        locked={!!answer}
        outcome={outcome}
      />
      {!answer ? (
        <div className="btn-row">
          <BusyButton
            className="btn btn-primary"
            busy={ctx.busy}
            onClick={() => {
              answeredHere.current = true;
              onAnswer(selected);
            }}
          >
            Check answer
          </BusyButton>
        </div>
      ) : null}
    </div>
  );
}

function FinishedPanel({
  headingRef,
  module,
  progress,
  firstScreenId,
  heading,
  children,
}: {
  headingRef: React.RefObject<HTMLHeadingElement | null>;
  module: Module;
  progress: Progress;
  firstScreenId: string;
  heading: string;
  children?: ReactNode;
}) {
  return (
    <>
      <div className="player-progress">
        <ProgressBar percent={progress.percent} label="Module progress" />
      </div>
      <section className="card screen finish" aria-labelledby="screen-title">
        <h2 id="screen-title" ref={headingRef} tabIndex={-1}>
          {heading}
        </h2>
        <p>
          Status: <StatusBadge status={progress.status} />
          {progress.completed_at ? <span className="meta"> · {formatDateTime(progress.completed_at)}</span> : null}
        </p>
        {children}
        <div className="btn-row">
          <Link className="btn" to={`/app/modules/${module.id}/play/${firstScreenId}`}>
            Review from the start
          </Link>
          <Link className="btn" to={`/app/modules/${module.id}#feedback`}>
            Leave feedback
          </Link>
          <Link className="btn" to="/app/modules">
            Find another module
          </Link>
        </div>
      </section>
    </>
  );
}

interface FlowProps {
  ctx: Ctx;
  screens: Screen[];
  progress: Progress;
  param: string | undefined;
}

/* ---------- linear (§8.2) ---------- */

function LinearFlow({ ctx, screens, progress, param }: FlowProps) {
  const qc = useQueryClient();
  const [drafts, setDrafts] = useState<Record<string, Response>>({});
  const [revealed, setRevealed] = useState<Record<string, AnswerResult>>({});
  const [hint, setHint] = useState<string | null>(null);
  const d = linearData(progress);
  const completed = new Set(d.completed_screen_ids);
  const n = screens.length;
  const open = screens.findIndex((s) => !completed.has(s.id));
  const frontier = open < 0 ? n : open; // screens 0..frontier are reachable
  const done = progress.status === "completed" || frontier === n;
  const indexOf = (id: string | null | undefined) => (id ? screens.findIndex((s) => s.id === id) : -1);

  const cur = indexOf(d.current_screen_id);
  const fallback: number | "finish" = done ? "finish" : cur >= 0 && cur <= frontier ? cur : frontier;
  let view: number | "finish" = fallback;
  if (param && param !== "finish") {
    const i = indexOf(param);
    if (i >= 0 && i <= frontier && i < n) view = i;
  }

  const headingRef = useHeadingFocus(String(view), ctx.focusOnMount);
  useEffect(() => setHint(null), [view]);

  if (view === "finish")
    return (
      <FinishedPanel headingRef={headingRef} module={ctx.module} progress={progress} firstScreenId={screens[0]!.id}
        heading="Module completed">
        <p>You have completed every screen of this module.</p>
      </FinishedPanel>
    );

  const i = view;
  const screen = screens[i]!;
  const stored = d.responses[screen.id];
  const response = drafts[screen.id] ?? stored ?? emptyResponse(screen);
  const answered = isQuestionAnswer(stored);
  // Unsaved input, with the empty response an optional reflection left blank still needs.
  const pending: Record<string, Response> =
    stored === undefined && !drafts[screen.id] && response && !isQuestionAnswer(response)
      ? { ...drafts, [screen.id]: response as Response }
      : drafts;

  function next() {
    if (!requirementMet(screen, response, answered)) {
      setHint(requirementHint(screen));
      return;
    }
    const following = screens[i + 1];
    const target = following ? following.id : "finish";
    const dirty = Object.keys(pending).length > 0;
    if (completed.has(screen.id) && !dirty) {
      ctx.go(target);
      return;
    }
    // The furthest point stays the place to resume from.
    const ahead = following ?? screen;
    const currentId = cur > indexOf(ahead.id) ? d.current_screen_id! : ahead.id;
    const completedIds = completed.has(screen.id) ? d.completed_screen_ids : screens.slice(0, i + 1).map((s) => s.id);
    void ctx.run(
      () =>
        ctx.put(progress.version, {
          current_screen_id: currentId,
          completed_screen_ids: completedIds,
          responses: { ...d.responses, ...pending },
        }),
      (p) => {
        setDrafts({});
        if (p.status === "completed" && !following) ctx.announce("Module completed.");
        ctx.go(target);
      },
    );
  }

  function answer(optionIds: string[]) {
    if (!optionIds.length) {
      setHint("Choose an answer first.");
      return;
    }
    setHint(null);
    void ctx.run(
      async () => {
        const r = await call(
          api.POST("/api/v1/modules/{module_id}/screens/{screen_id}/answer", {
            params: { path: { module_id: ctx.module.id, screen_id: screen.id } },
            body: { option_ids: optionIds },
          }),
        );
        setRevealed((m) => ({ ...m, [screen.id]: r }));
        return r.progress;
      },
      () => void qc.invalidateQueries({ queryKey: screensKey(ctx.module.id) }),
    );
  }

  const last = i === n - 1;
  return (
    <ScreenCard
      headingRef={headingRef}
      title={screen.title}
      position={`Screen ${i + 1} of ${n}`}
      percent={progress.percent}
      hint={hint}
      nav={
        <>
          {i > 0 ? <PrevButton onClick={() => ctx.go(screens[i - 1]!.id)} /> : null}
          <NextButton label={last ? "Finish" : "Next"} onClick={next} busy={ctx.busy} />
        </>
      }
    >
      <LearningScreen
        ctx={ctx}
        screen={screen}
        stored={stored}
        revealed={revealed[screen.id]}
        onAnswer={answer}
        response={response}
        setResponse={(r) => {
          setHint(null);
          setDrafts((m) => ({ ...m, [screen.id]: r }));
        }}
        problem={hint ? PLAYER_HINT_ID : null}
      />
    </ScreenCard>
  );
}

/* ---------- branching (§8.3) ---------- */

function BranchingFlow({ ctx, screens, progress, param }: FlowProps) {
  const qc = useQueryClient();
  const location = useLocation();
  const [drafts, setDrafts] = useState<Record<string, Response>>({});
  const [revealed, setRevealed] = useState<Record<string, AnswerResult>>({});
  const [hint, setHint] = useState<string | null>(null);
  const d = branchingData(progress);
  const start = startScreenId(ctx.module);
  const byId = new Map(screens.map((s) => [s.id, s]));
  const saved = d.path.length > 0;
  const path = (saved ? d.path : start ? [{ screen_id: start, choice_id: null }] : []).map((s) => ({
    screen_id: s.screen_id,
    choice_id: s.choice_id ?? null,
  }));
  const done = progress.status === "completed";
  const lastStep = path.length - 1;

  let view: number | "finish" = done ? "finish" : lastStep;
  if (param && param !== "finish") {
    const step = (location.state as { step?: number } | null)?.step;
    if (step !== undefined && path[step]?.screen_id === param) view = step;
    else {
      const k = path.map((s) => s.screen_id).lastIndexOf(param);
      if (k >= 0) view = k;
    }
  }
  const headingRef = useHeadingFocus(String(view), ctx.focusOnMount);
  useEffect(() => setHint(null), [view]);

  if (path.length === 0 || !byId.has(path[0]!.screen_id))
    return <p>This module has no start screen, so it cannot be played.</p>;

  if (view === "finish") {
    const end = byId.get(path[lastStep]!.screen_id);
    return (
      <FinishedPanel headingRef={headingRef} module={ctx.module} progress={progress} firstScreenId={path[0]!.screen_id}
        heading="Module completed">
        <p>
          You reached an ending{end ? `: “${end.title}”` : ""} after {path.length} step{path.length === 1 ? "" : "s"}.
        </p>
      </FinishedPanel>
    );
  }

  const k = view;
  const step = path[k]!;
  const screen = byId.get(step.screen_id);
  if (!screen) return <p>This step’s screen no longer exists.</p>;
  const isLast = k === lastStep;
  const stored = d.responses[screen.id];
  const response = drafts[screen.id] ?? stored ?? emptyResponse(screen);
  const answered = isQuestionAnswer(stored);
  const pending: Record<string, Response> =
    stored === undefined && !drafts[screen.id] && response && !isQuestionAnswer(response)
      ? { ...drafts, [screen.id]: response as Response }
      : drafts;
  const dirty = Object.keys(pending).length > 0;
  const responses = { ...d.responses, ...pending };
  const goStep = (idx: number, id: string) => ctx.go(id, { step: idx });

  function save(newPath: typeof path, after: (p: Progress) => void) {
    void ctx.run(() => ctx.put(progress.version, { path: newPath, responses }), (p) => {
      setDrafts({});
      after(p);
    });
  }

  function choose(choiceId: string) {
    const c = screen!.content as { choices: { id: string; next_screen_id: string }[] };
    const ch = c.choices.find((x) => x.id === choiceId);
    if (!ch) return;
    const newPath = [...path.slice(0, k), { screen_id: screen!.id, choice_id: ch.id }, { screen_id: ch.next_screen_id, choice_id: null }];
    save(newPath, () => goStep(k + 1, ch.next_screen_id));
  }

  function next() {
    if (!isLast) {
      const to = path[k + 1]!;
      if (dirty) save(path, () => goStep(k + 1, to.screen_id));
      else goStep(k + 1, to.screen_id);
      return;
    }
    if (!requirementMet(screen!, response, answered)) {
      setHint(requirementHint(screen!));
      return;
    }
    const target = screen!.next_screen_id;
    if (target) {
      save([...path, { screen_id: target, choice_id: null }], () => goStep(k + 1, target));
    } else if (!done || dirty || !saved) {
      save(path, (p) => {
        if (p.status === "completed") ctx.announce("Module completed.");
        ctx.go("finish");
      });
    } else ctx.go("finish");
  }

  function answer(optionIds: string[]) {
    if (!optionIds.length) {
      setHint("Choose an answer first.");
      return;
    }
    setHint(null);
    void ctx.run(
      async () => {
        if (!saved) ctx.store(await ctx.put(progress.version, { path, responses: {} })); // the answer needs a path
        const r = await call(
          api.POST("/api/v1/modules/{module_id}/screens/{screen_id}/answer", {
            params: { path: { module_id: ctx.module.id, screen_id: screen!.id } },
            body: { option_ids: optionIds },
          }),
        );
        setRevealed((m) => ({ ...m, [screen!.id]: r }));
        return r.progress;
      },
      () => void qc.invalidateQueries({ queryKey: screensKey(ctx.module.id) }),
    );
  }

  const terminal = screen.type !== "branch" && !screen.next_screen_id;
  return (
    <ScreenCard
      headingRef={headingRef}
      title={screen.title}
      position={`Step ${k + 1} of your path`}
      percent={progress.percent}
      hint={hint}
      nav={
        <>
          {k > 0 ? <PrevButton onClick={() => goStep(k - 1, path[k - 1]!.screen_id)} /> : null}
          {screen.type === "branch" && isLast ? null : (
            <NextButton label={isLast && terminal ? "Finish" : "Next"} onClick={next} busy={ctx.busy} />
          )}
        </>
      }
    >
      <LearningScreen
        ctx={ctx}
        screen={screen}
        stored={stored}
        revealed={revealed[screen.id]}
        onAnswer={answer}
        response={response}
        setResponse={(r) => {
          setHint(null);
          setDrafts((m) => ({ ...m, [screen.id]: r }));
        }}
        problem={hint ? PLAYER_HINT_ID : null}
      />
      {screen.type === "branch" ? (
        <BranchView screen={screen} chosen={isLast ? null : step.choice_id} onChoose={choose} busy={ctx.busy} />
      ) : null}
      {isLast && terminal ? <p className="meta ending-note">This is an ending of the scenario.</p> : null}
    </ScreenCard>
  );
}

/* ---------- assessment (§8.4, §8.6) ---------- */

function AssessmentFlow({ ctx, screens, progress, param }: FlowProps) {
  const qc = useQueryClient();
  const [drafts, setDrafts] = useState<Record<string, string[]>>({});
  const d = assessmentData(progress);
  const { passScore, maxAttempts } = assessmentSettings(ctx.module);
  const submitted = d.submitted_at !== null;
  const questions = screens.filter((s) => s.type === "question");
  const n = screens.length;
  const indexOf = (id: string | null | undefined) => (id ? screens.findIndex((s) => s.id === id) : -1);
  const answers: Record<string, string[]> = {};
  for (const [k, v] of Object.entries({ ...d.answers, ...drafts })) if (v.length) answers[k] = v;
  const dirty = Object.keys(drafts).length > 0;
  const cur = indexOf(d.current_screen_id);

  let view: number | "finish" = submitted ? "finish" : cur >= 0 ? cur : 0;
  if (param === "finish") view = "finish";
  else if (param && indexOf(param) >= 0) view = indexOf(param);
  const headingRef = useHeadingFocus(`${view}-${submitted}-${d.attempt}`, ctx.focusOnMount);

  const latest = d.attempts[d.attempts.length - 1];
  const result = submitted ? latest : undefined;
  const canRetry = progress.status === "failed" && (maxAttempts === null || d.attempt < maxAttempts);

  function move(target: number | "finish") {
    const targetId = target === "finish" ? "finish" : screens[target]!.id;
    const currentId = target === "finish" ? screens[n - 1]!.id : targetId;
    if (submitted || (!dirty && d.current_screen_id === currentId)) {
      ctx.go(targetId);
      return;
    }
    void ctx.run(() => ctx.put(progress.version, { current_screen_id: currentId, answers }), () => {
      setDrafts({});
      ctx.go(targetId);
    });
  }

  function submit() {
    void ctx.run(
      async () => {
        let version = progress.version;
        if (dirty) {
          const saved = await ctx.put(version, { current_screen_id: d.current_screen_id ?? screens[n - 1]!.id, answers });
          ctx.store(saved);
          version = saved.version;
        }
        return call(
          api.POST("/api/v1/modules/{module_id}/progress/submit", {
            params: { path: { module_id: ctx.module.id } },
            body: { version },
          }),
        );
      },
      (p) => {
        setDrafts({});
        const a = assessmentData(p).attempts.at(-1);
        if (a) ctx.announce(`Attempt ${a.attempt} submitted. Your score is ${a.score}%: ${a.passed ? "passed" : "not passed"}.`);
        void qc.invalidateQueries({ queryKey: screensKey(ctx.module.id) }); // explanations are revealed now
      },
    );
  }

  function newAttempt() {
    void ctx.run(
      () =>
        call(
          api.POST("/api/v1/modules/{module_id}/progress/attempts", {
            params: { path: { module_id: ctx.module.id } },
            body: { version: progress.version },
          }),
        ),
      (p) => {
        ctx.announce(`Attempt ${assessmentData(p).attempt} started.`);
        void qc.invalidateQueries({ queryKey: screensKey(ctx.module.id) });
        ctx.go(screens[0]!.id);
      },
    );
  }

  if (view === "finish") {
    const unanswered = questions.filter((q) => !answers[q.id]);
    if (!submitted)
      return (
        <>
          <div className="player-progress">
            <p className="player-position">Review and submit</p>
            <ProgressBar percent={progress.percent} label="Module progress" />
          </div>
          <section className="card screen" aria-labelledby="screen-title">
            <h2 id="screen-title" ref={headingRef} tabIndex={-1}>
              Review and submit
            </h2>
            <p>
              You have answered {questions.length - unanswered.length} of {questions.length} questions. Attempt{" "}
              {d.attempt}
              {maxAttempts !== null ? ` of ${maxAttempts}` : ""}; the pass mark is {passScore}%.
            </p>
            {unanswered.length ? (
              <>
                <p>Unanswered questions count as wrong:</p>
                <ul>
                  {unanswered.map((q) => (
                    <li key={q.id}>
                      <Link to={`/app/modules/${ctx.module.id}/play/${q.id}`}>{q.title}</Link>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
            <p className="meta">Once submitted, the answers of this attempt cannot be changed.</p>
            <div className="btn-row">
              <button type="button" className="btn" onClick={() => move(n - 1)}>
                <span aria-hidden="true">← </span>Back to the questions
              </button>
              <BusyButton className="btn btn-primary" onClick={submit} busy={ctx.busy}>
                {ctx.busy ? "Submitting…" : "Submit answers"}
              </BusyButton>
            </div>
          </section>
        </>
      );
    return (
      <>
        <div className="player-progress">
          <ProgressBar percent={progress.percent} label="Module progress" />
        </div>
        <section className="card screen finish" aria-labelledby="screen-title">
          <h2 id="screen-title" ref={headingRef} tabIndex={-1}>
            Your result
          </h2>
          {result ? (
            <div className={`notice ${result.passed ? "notice-ok" : "notice-error"} score-box`}>
              <p>
                <span className="score">Score: {result.score}%</span> <StatusBadge status={progress.status} />
              </p>
              <p>
                {result.passed
                  ? `You passed: the pass mark is ${passScore}%.`
                  : `You need ${passScore}% to pass.`}{" "}
                Attempt {d.attempt}
                {maxAttempts !== null ? ` of ${maxAttempts}` : ""}.
              </p>
            </div>
          ) : null}
          {canRetry ? (
            <div className="btn-row">
              <BusyButton className="btn btn-primary" onClick={newAttempt} busy={ctx.busy}>
                Start a new attempt
              </BusyButton>
            </div>
          ) : progress.status === "failed" ? (
            <p>You have used all {maxAttempts} attempts.</p>
          ) : null}
          {result ? <AttemptReview screens={questions} answers={result.answers} results={result.results} /> : null}
          {d.attempts.length > 1 ? <AttemptHistory attempts={d.attempts} /> : null}
          <div className="btn-row">
            <Link className="btn" to={`/app/modules/${ctx.module.id}#feedback`}>
              Leave feedback
            </Link>
            <Link className="btn" to="/app/modules">
              Find another module
            </Link>
          </div>
        </section>
      </>
    );
  }

  const i = view;
  const screen = screens[i]!;
  const mine = answers[screen.id] ?? [];
  const c = screen.content as QuestionContent;
  const outcome: QuestionOutcome | undefined =
    submitted && result
      ? { correct: result.results[screen.id] ?? false, correctOptionIds: c.correct_option_ids, explanation: c.explanation }
      : undefined;
  return (
    <ScreenCard
      headingRef={headingRef}
      title={screen.title}
      position={`Screen ${i + 1} of ${n}`}
      percent={progress.percent}
      nav={
        <>
          {i > 0 ? <PrevButton onClick={() => move(i - 1)} disabled={ctx.busy} /> : null}
          <NextButton
            label={i === n - 1 ? (submitted ? "See your result" : "Review and submit") : "Next"}
            onClick={() => move(i + 1 < n ? i + 1 : "finish")}
            busy={ctx.busy}
          />
        </>
      }
    >
      {screen.type === "question" ? (
        <QuestionView
          screen={screen}
          selected={submitted && result ? (result.answers[screen.id] ?? []) : mine}
          onChange={(ids) => setDrafts((m) => ({ ...m, [screen.id]: ids }))}
          locked={submitted}
          outcome={outcome}
          note={submitted ? undefined : "Your answer is saved when you move on, and graded when you submit the attempt."}
        />
      ) : (
        <ContentView screen={screen} />
      )}
    </ScreenCard>
  );
}

function AttemptReview({
  screens,
  answers,
  results,
}: {
  screens: Screen[];
  answers: Record<string, string[]>;
  results: Record<string, boolean>;
}) {
  return (
    <>
      <h3>Your answers</h3>
      <ol className="attempt-review">
        {screens.map((s) => {
          const c = s.content as QuestionContent;
          const text = (id: string) => c.options.find((o) => o.id === id)?.text ?? id;
          const mine = answers[s.id] ?? [];
          const ok = results[s.id] ?? false;
          return (
            <li key={s.id}>
              <p className="review-title">
                <strong>{s.title}</strong>{" "}
                <span className={ok ? "badge badge-ok" : "badge badge-danger"}>{ok ? "Correct" : "Incorrect"}</span>
              </p>
              <p className="meta">{c.prompt}</p>
              <p>Your answer: {mine.length ? mine.map(text).join("; ") : "not answered"}</p>
              {c.correct_option_ids ? <p>Correct answer: {c.correct_option_ids.map(text).join("; ")}</p> : null}
              {c.explanation ? (
                <p className="explanation">
                  <strong>Explanation:</strong> {c.explanation}
                </p>
              ) : null}
            </li>
          );
        })}
      </ol>
    </>
  );
}

function AttemptHistory({ attempts }: { attempts: ReturnType<typeof assessmentData>["attempts"] }) {
  return (
    <>
      <h3 id="attempts-heading">Your attempts</h3>
      <div className="table-wrap" role="region" aria-labelledby="attempts-heading" tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">Attempt</th>
              <th scope="col">Score</th>
              <th scope="col">Result</th>
              <th scope="col">Submitted</th>
            </tr>
          </thead>
          <tbody>
            {attempts.map((a) => (
              <tr key={a.attempt}>
                <td>{a.attempt}</td>
                <td>{a.score}%</td>
                <td>{a.passed ? "Passed" : "Not passed"}</td>
                <td>{formatDateTime(a.submitted_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
