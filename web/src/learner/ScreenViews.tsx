// One screen's body, per type (API.md §6.3). The flows (Player.tsx) decide what is locked, what
// was answered and what the server has revealed; these components only show it and report input.
import { useEffect, useId, useRef } from "react";
import type { Screen } from "../api/client";
import type { BranchContent, ChecklistContent, ContentContent, QuestionContent, ReflectionContent } from "./api";
import { Markdown } from "./Markdown";
import { BusyButton } from "../components/BusyButton";

/* ---------- content ---------- */

export function ContentView({ screen }: { screen: Screen }) {
  const c = screen.content as ContentContent;
  return (
    <>
      <Markdown source={c.body} title={screen.title} />
      {(c.media ?? []).map((m, i) => (
        <Media key={i} type={m.type} url={m.url} alt={m.alt ?? ""} />
      ))}
    </>
  );
}

/*
 * Media from the server's own origin are shown; anything else is offered as a link, because the
 * app's Content-Security-Policy (and its promise that no request leaves the server's origin)
 * does not allow loading images or video from elsewhere.
 */
function Media({ type, url, alt }: { type: "image" | "video"; url: string; alt: string }) {
  let sameOrigin = false;
  try {
    sameOrigin = new URL(url).origin === window.location.origin;
  } catch {
    return null;
  }
  if (sameOrigin && type === "image") return <img className="media" src={url} alt={alt} />;
  if (sameOrigin && type === "video")
    return (
      <video className="media" src={url} controls aria-label={alt || "Video"}>
        <a href={url}>Open the video</a>
      </video>
    );
  return (
    <p className="media-link">
      <strong>{type === "image" ? "Image" : "Video"}:</strong> {alt ? <span>{alt}. </span> : null}
      <a href={url} target="_blank" rel="noopener noreferrer">
        Open the {type} on its website<span className="visually-hidden"> (opens in a new tab)</span>
      </a>
    </p>
  );
}

/* ---------- question ---------- */

export interface QuestionOutcome {
  /* true/false once graded; null: answered but not graded yet (assessment before submit) */
  correct: boolean | null;
  /* Only when the server revealed them (§6.4, §8.5). */
  correctOptionIds?: string[] | undefined;
  explanation?: string | null | undefined;
}

export function QuestionView({
  screen,
  selected,
  onChange,
  locked,
  outcome,
  note,
}: {
  screen: Screen;
  selected: string[];
  onChange(ids: string[]): void;
  locked: boolean;
  outcome?: QuestionOutcome | undefined;
  note?: string | undefined;
}) {
  const c = screen.content as QuestionContent;
  const name = useId();
  const single = c.kind === "single";
  const correctIds = outcome?.correctOptionIds;
  const text = (id: string) => c.options.find((o) => o.id === id)?.text ?? id;
  return (
    <>
      <fieldset className="question" disabled={locked}>
        <legend>{c.prompt}</legend>
        <p className="hint">{single ? "Choose one answer." : "Select all that apply."}</p>
        <ul className="options">
          {c.options.map((o) => {
            const mine = selected.includes(o.id);
            const right = correctIds?.includes(o.id);
            return (
              <li key={o.id} className={`option${mine ? " option-mine" : ""}${right ? " option-right" : ""}`}>
                <label>
                  <input
                    type={single ? "radio" : "checkbox"}
                    name={name}
                    value={o.id}
                    checked={mine}
                    onChange={(e) => {
                      if (single) onChange([o.id]);
                      else onChange(e.target.checked ? [...selected, o.id] : selected.filter((x) => x !== o.id));
                    }}
                  />
                  <span>{o.text}</span>
                </label>
                {locked && (mine || right) ? (
                  <span className="option-tags">
                    {mine ? <span className="badge">Your answer</span> : null}
                    {right ? <span className="badge badge-ok">Correct answer</span> : null}
                  </span>
                ) : null}
              </li>
            );
          })}
        </ul>
      </fieldset>
      <div role="status" className="question-result">
        {outcome && outcome.correct !== null ? (
          <div className={`notice ${outcome.correct ? "notice-ok" : "notice-error"} result-box`}>
            <p className="result-line">
              <strong>{outcome.correct ? "Correct." : "Not quite."}</strong>{" "}
              {!outcome.correct && correctIds && correctIds.length
                ? `The correct answer${correctIds.length > 1 ? "s are" : " is"}: ${correctIds.map(text).join("; ")}.`
                : null}
            </p>
            {outcome.explanation ? (
              <p className="explanation">
                <strong>Explanation:</strong> {outcome.explanation}
              </p>
            ) : null}
          </div>
        ) : note ? (
          <p className="meta">{note}</p>
        ) : null}
      </div>
    </>
  );
}

/* ---------- reflection ---------- */

export function ReflectionView({
  screen,
  text,
  onChange,
  locked,
  problem = null,
}: {
  screen: Screen;
  text: string;
  onChange(text: string): void;
  locked: boolean;
  problem?: string | null;
}) {
  const c = screen.content as ReflectionContent;
  const id = useId();
  const field = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (problem) field.current?.focus();
  }, [problem]);
  const min = c.min_length ?? 0;
  const max = c.max_length ?? 2000;
  const n = [...text].length;
  return (
    <div className="field reflection">
      <label htmlFor={id}>{c.prompt}</label>
      <div className="hint" id={`${id}-hint`}>
        {min > 0 ? `At least ${min} characters. ` : ""}Your response is saved with your progress when you continue.
      </div>
      <textarea
        id={id}
        rows={6}
        value={text}
        maxLength={max}
        placeholder={c.placeholder ?? ""}
        readOnly={locked}
        ref={field}
        aria-invalid={problem ? true : undefined}
        aria-describedby={[problem, `${id}-hint`, `${id}-count`].filter(Boolean).join(" ")}
        onChange={(e) => onChange(e.target.value)}
      />
      {/* Read with the field (aria-describedby), not announced on every keystroke. */}
      <div className="hint" id={`${id}-count`}>
        {n} of {max} characters{min > n ? ` (${min - n} more needed)` : ""}
      </div>
    </div>
  );
}

/* ---------- checklist ---------- */

export function ChecklistView({
  screen,
  checked,
  onChange,
  locked,
  problem = null,
}: {
  screen: Screen;
  checked: string[];
  onChange(ids: string[]): void;
  locked: boolean;
  problem?: string | null;
}) {
  const c = screen.content as ChecklistContent;
  const group = useRef<HTMLFieldSetElement>(null);
  useEffect(() => {
    // The first required item still unticked takes the focus.
    if (problem) group.current?.querySelector<HTMLInputElement>("input[data-required]:not(:checked)")?.focus();
  }, [problem]);
  return (
    <fieldset
      className="checklist"
      disabled={locked}
      ref={group}
      aria-invalid={problem ? true : undefined}
      aria-describedby={problem ?? undefined}
    >
      <legend>{c.prompt}</legend>
      <ul className="options">
        {c.items.map((it) => (
          <li key={it.id} className="option">
            <label>
              <input
                type="checkbox"
                data-required={it.required === false ? undefined : ""}
                checked={checked.includes(it.id)}
                onChange={(e) =>
                  onChange(e.target.checked ? [...checked, it.id] : checked.filter((x) => x !== it.id))
                }
              />
              <span>
                {it.text}
                {it.required === false ? <span className="meta"> (optional)</span> : null}
              </span>
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}

/* ---------- branch ---------- */

export function BranchView({
  screen,
  chosen,
  onChoose,
  busy,
}: {
  screen: Screen;
  /* The choice taken at this step (a past step), else null. */
  chosen: string | null;
  onChoose(choiceId: string): void;
  busy: boolean;
}) {
  const c = screen.content as BranchContent;
  const id = useId();
  if (chosen !== null) {
    const taken = c.choices.find((ch) => ch.id === chosen);
    return (
      <>
        <p>{c.prompt}</p>
        <p className="chosen">
          <strong>Your choice:</strong> {taken?.text ?? "—"}
        </p>
      </>
    );
  }
  return (
    <div role="group" aria-labelledby={id}>
      <p id={id} className="branch-prompt">
        {c.prompt}
      </p>
      <ul className="choices">
        {c.choices.map((ch) => (
          <li key={ch.id}>
            <BusyButton className="btn choice" busy={busy} onClick={() => onChoose(ch.id)}>
              {ch.text}
            </BusyButton>
          </li>
        ))}
      </ul>
    </div>
  );
}
