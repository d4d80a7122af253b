// The form of one screen, per type (API.md §6.3): content (title, body), question (kind, prompt,
// options with the correct ones marked, explanation), reflection (prompt, lengths, placeholder),
// checklist (prompt, items), branch (prompt, choices each leading to a screen picked by title); in
// branching modules also the screen's next screen (§6.2). Creates (POST) or saves (PATCH); a 422
// marks the fields, and the last publish attempt's errors (§7) are shown next to their fields too.
import { useMutation } from "@tanstack/react-query";
import { useRef, useState, type FormEvent } from "react";
import { api, ApiError, call, newIdempotencyKey, type Schemas, type Screen } from "../api/client";
import { ErrorNotice } from "../components/Status";
import { screenTypeLabel, typesForFlow, type FlowType, type ScreenType } from "./common";
import { errs, IdInput, IdSelect } from "./fields";
import { screenFieldId } from "./publishErrors";
import { BusyButton } from "../components/BusyButton";
import { useFocusOnError } from "../components/focus";

type Option = { id: string; text: string };
type Item = { id: string; text: string; required: boolean };
type Choice = { id: string; text: string; next: string };

type ContentForm =
  | { type: "content"; body: string; media: Schemas["ContentScreenContent"]["media"] }
  | { type: "question"; kind: "single" | "multiple"; prompt: string; options: Option[]; correct: string[]; explanation: string }
  | { type: "reflection"; prompt: string; min: string; max: string; placeholder: string }
  | { type: "checklist"; prompt: string; items: Item[] }
  | { type: "branch"; prompt: string; choices: Choice[] };

/* The smallest "<prefix><n>" not yet used: ids are author-chosen and stable across edits (§6.3). */
function nextId(prefix: string, used: { id: string }[]): string {
  const taken = new Set(used.map((x) => x.id));
  for (let n = 1; ; n++) if (!taken.has(`${prefix}${n}`)) return `${prefix}${n}`;
}

function emptyContent(type: ScreenType): ContentForm {
  switch (type) {
    case "content":
      return { type, body: "", media: [] };
    case "question":
      return { type, kind: "single", prompt: "", options: [{ id: "o1", text: "" }, { id: "o2", text: "" }], correct: [], explanation: "" };
    case "reflection":
      return { type, prompt: "", min: "0", max: "2000", placeholder: "" };
    case "checklist":
      return { type, prompt: "", items: [{ id: "i1", text: "", required: true }] };
    case "branch":
      return { type, prompt: "", choices: [{ id: "c1", text: "", next: "" }, { id: "c2", text: "", next: "" }] };
  }
}

function fromScreen(s: Screen): ContentForm {
  const c = s.content as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  switch (s.type) {
    case "content":
      return { type: "content", body: str(c.body), media: (c.media as Schemas["ContentScreenContent"]["media"]) ?? [] };
    case "question": {
      const q = c as Partial<Schemas["QuestionScreenContent"]>;
      return {
        type: "question",
        kind: q.kind === "multiple" ? "multiple" : "single",
        prompt: str(q.prompt),
        options: (q.options ?? []).map((o) => ({ id: o.id, text: o.text })),
        correct: q.correct_option_ids ?? [],
        explanation: str(q.explanation),
      };
    }
    case "reflection": {
      const r = c as Partial<Schemas["ReflectionScreenContent"]>;
      return {
        type: "reflection",
        prompt: str(r.prompt),
        min: String(r.min_length ?? 0),
        max: String(r.max_length ?? 2000),
        placeholder: str(r.placeholder),
      };
    }
    case "checklist": {
      const k = c as Partial<Schemas["ChecklistScreenContent"]>;
      return { type: "checklist", prompt: str(k.prompt), items: (k.items ?? []).map((i) => ({ id: i.id, text: i.text, required: i.required !== false })) };
    }
    case "branch": {
      const b = c as Partial<Schemas["BranchScreenContent"]>;
      return { type: "branch", prompt: str(b.prompt), choices: (b.choices ?? []).map((x) => ({ id: x.id, text: x.text, next: x.next_screen_id })) };
    }
  }
}

function toContent(f: ContentForm): Screen["content"] {
  switch (f.type) {
    case "content":
      return { body: f.body, media: f.media ?? [] };
    case "question":
      return {
        kind: f.kind,
        prompt: f.prompt,
        options: f.options,
        correct_option_ids: f.options.map((o) => o.id).filter((id) => f.correct.includes(id)),
        explanation: f.explanation.trim() ? f.explanation : null,
      };
    case "reflection":
      return {
        prompt: f.prompt,
        min_length: f.min.trim() === "" ? 0 : Number(f.min),
        max_length: f.max.trim() === "" ? 2000 : Number(f.max),
        placeholder: f.placeholder,
      };
    case "checklist":
      return { prompt: f.prompt, items: f.items };
    case "branch":
      return { prompt: f.prompt, choices: f.choices.map((c) => ({ id: c.id, text: c.text, next_screen_id: c.next })) };
  }
}

/* Screens as select options, by title (the position added only when two titles are the same). */
export function screenOptions(screens: Screen[], exclude?: string): { value: string; label: string }[] {
  const counts = new Map<string, number>();
  for (const s of screens) counts.set(s.title, (counts.get(s.title) ?? 0) + 1);
  return screens
    .filter((s) => s.id !== exclude)
    .map((s) => ({ value: s.id, label: (counts.get(s.title) ?? 0) > 1 ? `${s.title} (screen ${s.position})` : s.title }));
}

/* A select's options for a stored target that is no longer a screen of the module. */
function withMissing(options: { value: string; label: string }[], value: string) {
  return value && !options.some((o) => o.value === value) ? [...options, { value, label: "A screen that no longer exists" }] : options;
}

const KNOWN = [
  /^title$/,
  /^type$/,
  /^next_screen_id$/,
  /^content\.(body|prompt|kind|explanation|min_length|max_length|placeholder)$/,
  /^content\.(options|items|choices|correct_option_ids)(\.\d+)?$/,
  /^content\.(options|items)\.\d+\.text$/,
  /^content\.choices\.\d+\.(text|next_screen_id)$/,
];

export function ScreenForm({
  moduleId,
  flow,
  screen,
  screens,
  publishErrors,
  readOnly,
  onSaved,
  onCancel,
  onLocked,
}: {
  moduleId: string;
  flow: FlowType;
  screen: Screen | null;
  screens: Screen[];
  publishErrors?: Record<string, string[]>;
  readOnly: boolean;
  onSaved(screen: Screen, created: boolean): void;
  onCancel?(): void;
  onLocked(): void;
}) {
  const types = typesForFlow[flow];
  const [type, setType] = useState<ScreenType>(screen?.type ?? types[0] ?? "content");
  const [title, setTitle] = useState(screen?.title ?? "");
  const [next, setNext] = useState(screen?.next_screen_id ?? "");
  const [form, setForm] = useState<ContentForm>(() => (screen ? fromScreen(screen) : emptyContent(type)));
  const [local, setLocal] = useState<Record<string, string>>({});
  const [key, setKey] = useState(newIdempotencyKey);
  const prefix = screen ? `screen-${screen.id}` : "new-screen";
  const fid = (path: string) => (screen ? screenFieldId(screen.id, path) : `${prefix}-${path.replace(/\./g, "-")}`);
  const branching = flow === "branching";
  const hasNext = branching && type !== "branch";

  const save = useMutation({
    mutationFn: async () => {
      const content = toContent(form);
      if (screen) {
        return call(
          api.PATCH("/api/v1/modules/{module_id}/screens/{screen_id}", {
            params: { path: { module_id: moduleId, screen_id: screen.id } },
            body: { title, content, ...(hasNext ? { next_screen_id: next || null } : {}) },
          }),
        );
      }
      return call(
        api.POST("/api/v1/modules/{module_id}/screens", {
          params: { path: { module_id: moduleId }, header: { "Idempotency-Key": key } },
          body: { type, title, content, ...(hasNext ? { next_screen_id: next || null } : {}) },
        }),
      );
    },
    onSuccess: (s) => {
      setLocal({});
      if (!screen) {
        setKey(newIdempotencyKey());
        setTitle("");
        setNext("");
        setForm(emptyContent(type));
      }
      onSaved(s, !screen);
    },
    onError: (e) => {
      if (e instanceof ApiError && e.status === 409 && e.detail === "Only draft modules can be edited") onLocked();
    },
  });

  const server = save.error instanceof ApiError && save.error.status === 422 ? save.error.fieldErrors() : {};
  const e = (path: string) => errs(local[path], server[path], publishErrors?.[path]);
  const leftovers = Object.entries(server).filter(([k]) => !KNOWN.some((r) => r.test(k)));

  function submit(ev: FormEvent) {
    ev.preventDefault();
    if (save.isPending) return;
    const l: Record<string, string> = {};
    if (!title.trim()) l.title = "Give the screen a title.";
    if (form.type === "branch")
      form.choices.forEach((c, j) => {
        if (!c.next) l[`content.choices.${j}.next_screen_id`] = "Choose the screen this choice leads to.";
      });
    if (form.type === "question" && form.correct.length === 0) l["content.correct_option_ids"] = "Mark the correct answer.";
    setLocal(l);
    if (Object.keys(l).length === 0) save.mutate();
  }

  // A rejected save (the server's 422, or the checks above): focus the first marked field.
  const formRef = useRef<HTMLFormElement>(null);
  useFocusOnError(formRef, save.error ?? (Object.keys(local).length ? local : null));

  const others = screenOptions(screens, screen?.id);
  const set = (patch: Partial<ContentForm>) => setForm((f) => ({ ...f, ...patch }) as ContentForm);

  return (
    <form ref={formRef} className="studio-screen-form" onSubmit={submit} noValidate aria-label={screen ? `Edit “${screen.title}”` : "New screen"}>
      <fieldset disabled={readOnly} className="studio-bare">
        {save.error && !(save.error instanceof ApiError && save.error.status === 422) ? <ErrorNotice error={save.error} /> : null}
        {leftovers.length ? (
          <div className="notice notice-error" role="alert">
            <ul>
              {leftovers.map(([k, m]) => (
                <li key={k}>{m}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {screen ? null : (
          <IdSelect
            id={`${prefix}-type`}
            label="Screen type"
            value={type}
            errors={e("type")}
            onChange={(v) => {
              setType(v as ScreenType);
              setForm(emptyContent(v as ScreenType));
            }}
            options={types.map((t) => ({ value: t, label: screenTypeLabel[t] }))}
          />
        )}
        <IdInput id={fid("title")} label="Screen title" required value={title} onChange={setTitle} maxLength={200} errors={e("title")} />

        {form.type === "content" ? (
          <IdInput
            id={fid("content.body")}
            label="Body"
            multiline
            rows={6}
            required
            value={form.body}
            onChange={(v) => set({ body: v })}
            maxLength={20000}
            hint="Markdown is allowed."
            errors={e("content.body")}
          />
        ) : null}

        {form.type === "question" ? (
          <QuestionFields form={form} set={set} fid={fid} e={e} />
        ) : null}

        {form.type === "reflection" ? (
          <>
            <IdInput id={fid("content.prompt")} label="Prompt" multiline required value={form.prompt} onChange={(v) => set({ prompt: v })} maxLength={2000} errors={e("content.prompt")} />
            <div className="studio-two">
              <IdInput id={fid("content.min_length")} label="Minimum length (characters)" type="number" value={form.min} onChange={(v) => set({ min: v })} hint="0 to 10000" errors={e("content.min_length")} />
              <IdInput id={fid("content.max_length")} label="Maximum length (characters)" type="number" value={form.max} onChange={(v) => set({ max: v })} hint="1 to 10000, at least the minimum" errors={e("content.max_length")} />
            </div>
            <IdInput id={fid("content.placeholder")} label="Placeholder" value={form.placeholder} onChange={(v) => set({ placeholder: v })} maxLength={200} errors={e("content.placeholder")} />
          </>
        ) : null}

        {form.type === "checklist" ? (
          <>
            <IdInput id={fid("content.prompt")} label="Prompt" multiline required value={form.prompt} onChange={(v) => set({ prompt: v })} maxLength={2000} errors={e("content.prompt")} />
            <fieldset>
              <legend>Items</legend>
              <GroupErrors errors={e("content.items")} />
              <ol className="studio-rows">
                {form.items.map((it, j) => (
                  <li key={it.id}>
                    <IdInput
                      id={fid(`content.items.${j}.text`)}
                      label={`Item ${j + 1}`}
                      value={it.text}
                      maxLength={500}
                      onChange={(v) => set({ items: form.items.map((x) => (x.id === it.id ? { ...x, text: v } : x)) })}
                      errors={e(`content.items.${j}.text`).concat(e(`content.items.${j}`))}
                    />
                    <label className="studio-inline-check">
                      <input
                        type="checkbox"
                        checked={it.required}
                        onChange={(ev) => set({ items: form.items.map((x) => (x.id === it.id ? { ...x, required: ev.target.checked } : x)) })}
                      />
                      Item {j + 1} is required
                    </label>
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={form.items.length <= 1}
                      onClick={() => set({ items: form.items.filter((x) => x.id !== it.id) })}
                    >
                      Remove item {j + 1}
                    </button>
                  </li>
                ))}
              </ol>
              <button
                type="button"
                className="btn btn-small"
                disabled={form.items.length >= 50}
                onClick={() => set({ items: [...form.items, { id: nextId("i", form.items), text: "", required: true }] })}
              >
                Add item
              </button>
            </fieldset>
          </>
        ) : null}

        {form.type === "branch" ? (
          <>
            <IdInput id={fid("content.prompt")} label="Prompt" multiline required value={form.prompt} onChange={(v) => set({ prompt: v })} maxLength={2000} errors={e("content.prompt")} />
            <fieldset>
              <legend>Choices</legend>
              <GroupErrors errors={e("content.choices")} />
              <ol className="studio-rows">
                {form.choices.map((c, j) => (
                  <li key={c.id}>
                    <IdInput
                      id={fid(`content.choices.${j}.text`)}
                      label={`Choice ${j + 1} label`}
                      value={c.text}
                      maxLength={500}
                      onChange={(v) => set({ choices: form.choices.map((x) => (x.id === c.id ? { ...x, text: v } : x)) })}
                      errors={e(`content.choices.${j}.text`).concat(e(`content.choices.${j}`))}
                    />
                    <IdSelect
                      id={fid(`content.choices.${j}.next_screen_id`)}
                      label={`Choice ${j + 1} leads to`}
                      value={c.next}
                      onChange={(v) => set({ choices: form.choices.map((x) => (x.id === c.id ? { ...x, next: v } : x)) })}
                      options={withMissing([{ value: "", label: "Choose a screen…" }, ...others], c.next)}
                      errors={e(`content.choices.${j}.next_screen_id`)}
                      hint={others.length === 0 ? "Add the screens this choice leads to first." : undefined}
                    />
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={form.choices.length <= 2}
                      onClick={() => set({ choices: form.choices.filter((x) => x.id !== c.id) })}
                    >
                      Remove choice {j + 1}
                    </button>
                  </li>
                ))}
              </ol>
              <button
                type="button"
                className="btn btn-small"
                disabled={form.choices.length >= 10}
                onClick={() => set({ choices: [...form.choices, { id: nextId("c", form.choices), text: "", next: "" }] })}
              >
                Add choice
              </button>
            </fieldset>
          </>
        ) : null}

        {hasNext ? (
          <IdSelect
            id={fid("next_screen_id")}
            label="Next screen"
            value={next}
            onChange={setNext}
            options={withMissing([{ value: "", label: "Ends here (last screen of a path)" }, ...others], next)}
            hint="Where the learner goes after this screen."
            errors={e("next_screen_id")}
          />
        ) : null}

        {readOnly ? null : (
          <div className="btn-row">
            <BusyButton type="submit" className="btn btn-primary" busy={save.isPending}>
              {save.isPending ? "Saving…" : screen ? "Save screen" : "Add screen"}
            </BusyButton>
            {onCancel ? (
              <button type="button" className="btn" onClick={onCancel}>
                Cancel
              </button>
            ) : null}
          </div>
        )}
      </fieldset>
    </form>
  );
}

function GroupErrors({ errors }: { errors: string[] }) {
  return errors.length ? <div className="field-error">{errors.join(" ")}</div> : null;
}

function QuestionFields({
  form,
  set,
  fid,
  e,
}: {
  form: Extract<ContentForm, { type: "question" }>;
  set(patch: Partial<ContentForm>): void;
  fid(path: string): string;
  e(path: string): string[];
}) {
  const single = form.kind === "single";
  return (
    <>
      <IdSelect
        id={fid("content.kind")}
        label="Answer kind"
        value={form.kind}
        onChange={(v) => {
          const kind = v === "multiple" ? "multiple" : "single";
          set({ kind, correct: kind === "single" ? form.correct.slice(0, 1) : form.correct });
        }}
        options={[
          { value: "single", label: "One correct answer" },
          { value: "multiple", label: "Several correct answers" },
        ]}
        errors={e("content.kind")}
      />
      <IdInput id={fid("content.prompt")} label="Question" multiline required value={form.prompt} onChange={(v) => set({ prompt: v })} maxLength={2000} errors={e("content.prompt")} />
      <fieldset>
        <legend>Options</legend>
        <p className="hint">{single ? "Mark the one correct option." : "Mark every correct option."} 2 to 10 options.</p>
        <GroupErrors errors={errs(e("content.options"), e("content.correct_option_ids"), ...form.correct.map((_, k) => e(`content.correct_option_ids.${k}`)))} />
        <ol className="studio-rows">
          {form.options.map((o, j) => (
            <li key={o.id}>
              <IdInput
                id={fid(`content.options.${j}.text`)}
                label={`Option ${j + 1}`}
                value={o.text}
                maxLength={500}
                onChange={(v) => set({ options: form.options.map((x) => (x.id === o.id ? { ...x, text: v } : x)) })}
                errors={e(`content.options.${j}.text`).concat(e(`content.options.${j}`))}
              />
              <label className="studio-inline-check">
                <input
                  type={single ? "radio" : "checkbox"}
                  name={`${fid("content.correct")}`}
                  checked={form.correct.includes(o.id)}
                  onChange={(ev) =>
                    set({
                      correct: single
                        ? [o.id]
                        : ev.target.checked
                          ? [...form.correct, o.id]
                          : form.correct.filter((x) => x !== o.id),
                    })
                  }
                />
                Option {j + 1} is correct
              </label>
              <button
                type="button"
                className="btn btn-small"
                disabled={form.options.length <= 2}
                onClick={() => set({ options: form.options.filter((x) => x.id !== o.id), correct: form.correct.filter((x) => x !== o.id) })}
              >
                Remove option {j + 1}
              </button>
            </li>
          ))}
        </ol>
        <button
          type="button"
          className="btn btn-small"
          disabled={form.options.length >= 10}
          onClick={() => set({ options: [...form.options, { id: nextId("o", form.options), text: "" }] })}
        >
          Add option
        </button>
      </fieldset>
      <IdInput
        id={fid("content.explanation")}
        label="Explanation (shown after answering)"
        multiline
        value={form.explanation}
        onChange={(v) => set({ explanation: v })}
        maxLength={2000}
        errors={e("content.explanation")}
      />
    </>
  );
}
