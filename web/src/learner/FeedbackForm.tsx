// Feedback on a module (API.md §9): a rating 1–5 as a radio group, an optional comment and an
// optional screen, chosen by its title. The Idempotency-Key is kept until the entry is accepted,
// so a retry after a lost answer never files it twice.
import { useId, useRef, useState, type FormEvent } from "react";
import { api, ApiError, call, newIdempotencyKey, type Screen } from "../api/client";
import { SelectField, TextArea } from "../components/fields";
import { ErrorNotice, SuccessNotice } from "../components/Status";
import { BusyButton } from "../components/BusyButton";
import { useFocusOnError } from "../components/focus";

const ratings = [
  { value: 1, label: "1 – Poor" },
  { value: 2, label: "2 – Fair" },
  { value: 3, label: "3 – Good" },
  { value: 4, label: "4 – Very good" },
  { value: 5, label: "5 – Excellent" },
];

export function FeedbackForm({ moduleId, screens }: { moduleId: string; screens: Screen[] }) {
  const [rating, setRating] = useState<number | null>(null);
  const [comment, setComment] = useState("");
  const [screenId, setScreenId] = useState("");
  const [key, setKey] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [ratingError, setRatingError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const groupId = useId();
  const form = useRef<HTMLFormElement>(null);
  useFocusOnError(form, error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setSent(false);
    setError(null);
    if (rating === null) {
      setRatingError("Choose a rating from 1 to 5.");
      document.getElementById(`${groupId}-1`)?.focus();
      return;
    }
    setRatingError(null);
    setBusy(true);
    try {
      await call(
        api.POST("/api/v1/modules/{module_id}/feedback", {
          params: { path: { module_id: moduleId }, header: { "Idempotency-Key": key } },
          body: { rating, comment: comment.trim() ? comment : null, screen_id: screenId || null },
        }),
      );
      setSent(true);
      setRating(null);
      setComment("");
      setScreenId("");
      setKey(newIdempotencyKey());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const fields = error instanceof ApiError ? error.fieldErrors() : {};
  const rErr = ratingError ?? fields.rating;
  return (
    <form ref={form} onSubmit={submit} noValidate className="feedback-form form-narrow" aria-labelledby={`${groupId}-h`}>
      <h2 id={`${groupId}-h`}>Leave feedback</h2>
      {sent ? <SuccessNotice>Thank you — your feedback was sent to the module’s author.</SuccessNotice> : null}
      <ErrorNotice error={error instanceof ApiError && error.status === 422 ? null : error} />
      {error instanceof ApiError && error.status === 422 ? (
        <div className="notice notice-error" role="alert">
          Some fields need attention.
        </div>
      ) : null}
      <fieldset
        className={`rating-group${rErr ? " has-error" : ""}`}
        aria-describedby={rErr ? `${groupId}-err` : undefined}
        aria-invalid={rErr ? true : undefined}
      >
        <legend>
          Your rating<span aria-hidden="true"> *</span>
        </legend>
        <div className="rating-options">
          {ratings.map((r) => (
            <label key={r.value} className="rating-option">
              <input
                type="radio"
                id={`${groupId}-${r.value}`}
                name={`${groupId}-rating`}
                value={r.value}
                checked={rating === r.value}
                required
                onChange={() => {
                  setRating(r.value);
                  setRatingError(null);
                }}
              />
              <span>{r.label}</span>
            </label>
          ))}
        </div>
        {rErr ? (
          <div className="field-error" id={`${groupId}-err`}>
            {rErr}
          </div>
        ) : null}
      </fieldset>
      <TextArea label="Comment (optional)" value={comment} onChange={setComment} maxLength={2000} rows={3}
        error={fields.comment} />
      <SelectField
        label="About a screen (optional)"
        value={screenId}
        onChange={setScreenId}
        error={fields.screen_id}
        options={[
          { value: "", label: "The whole module" },
          ...screens.map((s, i) => ({ value: s.id, label: `${i + 1}. ${s.title}` })),
        ]}
      />
      <BusyButton type="submit" className="btn btn-primary" busy={busy}>
        {busy ? "Sending…" : "Send feedback"}
      </BusyButton>
    </form>
  );
}
