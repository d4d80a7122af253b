// The learner pages' reads and the shapes of progress per flow (API.md §8). Query keys:
// ["module", id], ["screens", id], ["progress", id]; the player writes ["progress", id] itself
// after every successful write, so the module page and the player always agree.
import { useQuery } from "@tanstack/react-query";
import { api, ApiError, call, type Module, type Schemas, type Screen } from "../api/client";

export type Progress = Schemas["Progress"];
export type LinearData = Schemas["LinearProgressData"];
export type BranchingData = Schemas["BranchingProgressData"];
export type AssessmentData = Schemas["AssessmentProgressData"];
export type AnswerResult = Schemas["AnswerResult"];
export type QuestionContent = Schemas["QuestionScreenContent"];
export type ContentContent = Schemas["ContentScreenContent"];
export type ReflectionContent = Schemas["ReflectionScreenContent"];
export type ChecklistContent = Schemas["ChecklistScreenContent"];
export type BranchContent = Schemas["BranchScreenContent"];
export type ReflectionResponse = Schemas["ReflectionResponse"];
export type ChecklistResponse = Schemas["ChecklistResponse"];
export type QuestionResponse = Schemas["QuestionResponse"];
export type Attempt = NonNullable<AssessmentData["attempts"]>[number];

export const moduleKey = (id: string) => ["module", id] as const;
export const screensKey = (id: string) => ["screens", id] as const;
export const progressKey = (id: string) => ["progress", id] as const;

export function useModule(moduleId: string) {
  return useQuery({
    queryKey: moduleKey(moduleId),
    queryFn: () => call(api.GET("/api/v1/modules/{module_id}", { params: { path: { module_id: moduleId } } })),
  });
}

export function useScreens(moduleId: string, enabled = true) {
  return useQuery({
    queryKey: screensKey(moduleId),
    queryFn: async () =>
      (await call(api.GET("/api/v1/modules/{module_id}/screens", { params: { path: { module_id: moduleId } } })))
        .items,
    enabled,
  });
}

export function fetchProgress(moduleId: string): Promise<Progress> {
  return call(api.GET("/api/v1/modules/{module_id}/progress", { params: { path: { module_id: moduleId } } }));
}

/*
 * The learner's own progress. `live: false` (the player): fetched fresh when the player opens,
 * then kept as the version the person last saw — no refetch on focus or reconnect — so a stale
 * tab finds out through the server's 409 answer and adopts the newer state visibly, never silently
 * under the person's hands.
 */
export function useProgress(moduleId: string, { live = true, enabled = true } = {}) {
  return useQuery({
    queryKey: progressKey(moduleId),
    queryFn: () => fetchProgress(moduleId),
    enabled,
    ...(live ? {} : { staleTime: 0, refetchOnWindowFocus: false, refetchOnReconnect: false }),
  });
}

/* ---------- shapes ---------- */

export function linearData(p: Progress): Required<LinearData> {
  const d = p.progress_data as LinearData;
  return {
    current_screen_id: d.current_screen_id ?? null,
    completed_screen_ids: d.completed_screen_ids ?? [],
    responses: d.responses ?? {},
  };
}

export function branchingData(p: Progress): Required<BranchingData> {
  const d = p.progress_data as BranchingData;
  return { path: d.path ?? [], responses: d.responses ?? {} };
}

export function assessmentData(p: Progress): Required<AssessmentData> {
  const d = p.progress_data as AssessmentData;
  return {
    attempt: d.attempt ?? 1,
    current_screen_id: d.current_screen_id ?? null,
    answers: d.answers ?? {},
    submitted_at: d.submitted_at ?? null,
    attempts: d.attempts ?? [],
  };
}

export function assessmentSettings(m: Module): { passScore: number; maxAttempts: number | null } {
  const s = m.settings as Schemas["AssessmentSettings"];
  return { passScore: s.pass_score ?? 70, maxAttempts: s.max_attempts ?? null };
}

export function startScreenId(m: Module): string | null {
  return (m.settings as Schemas["BranchingSettings"]).start_screen_id ?? null;
}

export function isReflection(r: unknown): r is ReflectionResponse {
  return !!r && typeof (r as ReflectionResponse).text === "string";
}
export function isChecklist(r: unknown): r is ChecklistResponse {
  return !!r && Array.isArray((r as ChecklistResponse).checked_item_ids);
}
export function isQuestionAnswer(r: unknown): r is QuestionResponse {
  return !!r && Array.isArray((r as QuestionResponse).option_ids) && typeof (r as QuestionResponse).correct === "boolean";
}

/* The server's answer to a stale write: {"detail":"Version conflict","current":Progress}. */
export function versionConflict(e: unknown): Progress | null {
  if (!(e instanceof ApiError) || e.status !== 409) return null;
  const cur = (e.body as { current?: unknown } | null)?.current;
  return cur && typeof cur === "object" && "version" in cur ? (cur as Progress) : null;
}

/* A 409 whose `detail` is `text`. */
export function conflictIs(e: unknown, text: string): boolean {
  return e instanceof ApiError && e.status === 409 && e.detail === text;
}

/* A screen's requirement (§8 "Screen requirements") against the responses the person has now. */
export function requirementMet(screen: Screen, response: unknown, answered: boolean): boolean {
  switch (screen.type) {
    case "content":
      return true;
    case "question":
      return answered;
    case "reflection": {
      const c = screen.content as ReflectionContent;
      const text = isReflection(response) ? response.text : "";
      const n = [...text].length;
      return n >= (c.min_length ?? 0) && n <= (c.max_length ?? 2000) && isReflection(response);
    }
    case "checklist": {
      const c = screen.content as ChecklistContent;
      const checked = new Set(isChecklist(response) ? response.checked_item_ids : []);
      return c.items.every((i) => i.required === false || checked.has(i.id));
    }
    case "branch":
      return false; // a choice is taken by choosing
  }
}

/* The response a screen has when the person wrote nothing: an optional reflection (min_length 0)
 * is met by an empty text, which still has to be stored. */
export function emptyResponse(screen: Screen): ReflectionResponse | undefined {
  return screen.type === "reflection" && ((screen.content as ReflectionContent).min_length ?? 0) === 0
    ? { text: "" }
    : undefined;
}

/* Why a screen's requirement is not met, in words, for the message under the buttons. */
export function requirementHint(screen: Screen): string {
  switch (screen.type) {
    case "question":
      return "Answer the question and check your answer to continue.";
    case "reflection": {
      const c = screen.content as ReflectionContent;
      const min = c.min_length ?? 0;
      return min > 0
        ? `Write at least ${min} characters in your response to continue.`
        : "Write your response to continue.";
    }
    case "checklist":
      return "Tick every required item to continue.";
    case "branch":
      return "Choose one of the options to continue.";
    default:
      return "";
  }
}
