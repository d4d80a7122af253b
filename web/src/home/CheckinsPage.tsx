// /app/checkins: today's check-in (mood and confidence on the §10 1..5 scales, in words, and a
// note), edited in place once it exists; the current and longest streak; the history with Load
// more. One check-in per local day: a 409 on create (another tab or device was first) shows the
// existing one, ready to edit.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { api, ApiError, call, newIdempotencyKey, type Schemas } from "../api/client";
import { Page } from "../components/Page";
import { ErrorNotice, Loading } from "../components/Status";
import { TextArea } from "../components/fields";
import { formatDate, formatDateTime } from "../components/format";
import { useCursorList } from "../components/paging";
import { checkinListKey, CONFIDENCE_WORDS, MOOD_WORDS, streakKey, todayKey } from "./checkinApi";
import { LoadMore } from "../components/LoadMore";

type Checkin = Schemas["Checkin"];

function days(n: number): string {
  return n === 1 ? "1 day" : `${n} days`;
}

function Scale({
  legend,
  hint,
  words,
  value,
  onChange,
  error,
  name,
}: {
  legend: string;
  hint: string;
  words: Record<number, string>;
  value: number | null;
  onChange(v: number): void;
  error?: string | undefined;
  name: string;
}) {
  const id = useId();
  return (
    <fieldset
      className={`scale${error ? " has-error" : ""}`}
      aria-describedby={`${id}-hint${error ? ` ${id}-error` : ""}`}
    >
      <legend>
        {legend}
        <span aria-hidden="true"> *</span>
      </legend>
      <p className="hint" id={`${id}-hint`}>
        {hint}
      </p>
      <div className="scale-options">
        {[1, 2, 3, 4, 5].map((v) => (
          <label key={v} className="scale-option">
            <input
              type="radio"
              name={name}
              value={v}
              checked={value === v}
              required
              onChange={() => onChange(v)}
            />
            <span>{words[v]}</span>
          </label>
        ))}
      </div>
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

function CheckinForm({
  today,
  existing,
  onSaved,
}: {
  today: string;
  existing: Checkin | null;
  onSaved(message: string): void;
}) {
  const qc = useQueryClient();
  const [mood, setMood] = useState<number | null>(existing?.mood ?? null);
  const [confidence, setConfidence] = useState<number | null>(existing?.confidence ?? null);
  const [note, setNote] = useState(existing?.note ?? "");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [info, setInfo] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const idemKey = useRef(newIdempotencyKey());

  // When the existing check-in appears (after a 409, or a refetch), show its values.
  useEffect(() => {
    if (!existing) return;
    setMood(existing.mood);
    setConfidence(existing.confidence);
    setNote(existing.note ?? "");
  }, [existing]);

  const afterSave = async (saved: Checkin, message: string) => {
    qc.setQueryData(todayKey(today), saved);
    await Promise.all([
      qc.invalidateQueries({ queryKey: streakKey }),
      qc.invalidateQueries({ queryKey: checkinListKey }),
    ]);
    const s = qc.getQueryData<Schemas["CheckinStreak"]>(streakKey);
    onSaved(
      s
        ? `${message} Current streak: ${days(s.current_streak)}. Longest streak: ${days(s.longest_streak)}.`
        : message,
    );
  };

  const submit = async () => {
    const fe: Record<string, string> = {};
    if (mood === null) fe.mood = "Choose how you feel today.";
    if (confidence === null) fe.confidence = "Choose how confident you feel.";
    setErrors(fe);
    setError(null);
    setInfo(null);
    onSaved("");
    if (mood === null || confidence === null) return;
    if (saving) return;
    setSaving(true);
    const body = { mood, confidence, note: note.trim() === "" ? null : note };
    try {
      if (existing) {
        const saved = await call(
          api.PATCH("/api/v1/checkins/{checkin_id}", { params: { path: { checkin_id: existing.id } }, body }),
        );
        await afterSave(saved, "Check-in updated.");
      } else {
        const saved = await call(
          api.POST("/api/v1/checkins", { body, headers: { "Idempotency-Key": idemKey.current } }),
        );
        idemKey.current = newIdempotencyKey();
        await afterSave(saved, "Check-in saved.");
      }
    } catch (e) {
      if (e instanceof ApiError && e.status === 422) {
        setErrors(e.fieldErrors());
        setError(e);
      } else if (e instanceof ApiError && e.status === 409 && !existing) {
        // Already checked in today (another tab or device): show that check-in, to edit.
        const id = (e.body as { checkin_id?: string } | null)?.checkin_id;
        try {
          const found = id
            ? await call(api.GET("/api/v1/checkins/{checkin_id}", { params: { path: { checkin_id: id } } }))
            : null;
          if (found) qc.setQueryData(todayKey(today), found);
          await qc.invalidateQueries({ queryKey: ["checkins"] });
          setInfo(
            "You had already checked in today, maybe in another tab or on another device. Here is that check-in; you can change it below.",
          );
        } catch (e2) {
          setError(e2);
        }
      } else if (e instanceof ApiError && e.status === 409) {
        // PATCH: the day has changed since the page was opened.
        setError(e);
        await qc.invalidateQueries({ queryKey: ["checkins"] });
      } else {
        setError(e);
      }
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      className="card form-narrow checkin-form"
      noValidate
      aria-labelledby="checkin-form-h"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2 id="checkin-form-h">{existing ? "Today's check-in" : "Check in for today"}</h2>
      <p className="meta">
        {formatDate(today)}
        {existing ? ` · saved ${formatDateTime(existing.updated_at)}` : null}
      </p>
      {info ? <p className="notice notice-info">{info}</p> : null}
      <ErrorNotice error={error} retry={() => void submit()} />
      <Scale
        legend="Mood"
        hint="How do you feel today? From very low to very good."
        words={MOOD_WORDS}
        value={mood}
        onChange={setMood}
        error={errors.mood}
        name="mood"
      />
      <Scale
        legend="Confidence"
        hint="How confident do you feel about your training? From not confident to very confident."
        words={CONFIDENCE_WORDS}
        value={confidence}
        onChange={setConfidence}
        error={errors.confidence}
        name="confidence"
      />
      <TextArea
        label="Note (optional)"
        value={note}
        onChange={setNote}
        maxLength={1000}
        rows={3}
        error={errors.note}
        hint="Up to 1000 characters. Only you can read it."
      />
      <button type="submit" className="btn btn-primary" aria-disabled={saving || undefined}>
        {saving ? "Saving…" : existing ? "Update check-in" : "Save check-in"}
      </button>
    </form>
  );
}

function History() {
  const list = useCursorList<Checkin>(checkinListKey, (cursor) =>
    call(api.GET("/api/v1/checkins", { params: { query: cursor ? { cursor } : {} } })),
  );
  return (
    <section aria-labelledby="checkin-history-h">
      <h2 id="checkin-history-h">History</h2>
      {list.isLoading ? <Loading label="Loading your check-ins…" /> : null}
      <ErrorNotice error={list.error} retry={() => void list.refetch()} />
      {!list.isLoading && !list.error && list.items.length === 0 ? <p>No check-ins yet.</p> : null}
      {list.items.length > 0 ? (
        <ul className="plain-list checkin-history">
          {list.items.map((c) => (
            <li key={c.id}>
              <strong>
                <time dateTime={c.date}>{formatDate(c.date)}</time>
              </strong>
              <span>
                Mood: {MOOD_WORDS[c.mood] ?? c.mood} · Confidence: {CONFIDENCE_WORDS[c.confidence] ?? c.confidence}
              </span>
              {c.note ? <span className="checkin-note">{c.note}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      <LoadMore list={list} />
    </section>
  );
}

export function CheckinsPage() {
  const streak = useQuery({ queryKey: streakKey, queryFn: () => call(api.GET("/api/v1/checkins/streak")) });
  const today = streak.data?.today;
  const todays = useQuery({
    queryKey: todayKey(today ?? ""),
    enabled: !!today,
    queryFn: async () => {
      const page = await call(api.GET("/api/v1/checkins", { params: { query: { from: today!, to: today!, limit: 1 } } }));
      return page.items[0] ?? null;
    },
  });
  const [announce, setAnnounce] = useState("");

  return (
    <Page title="Check-ins">
      <div role="status" className={announce ? "notice notice-ok" : undefined}>
        {announce}
      </div>
      {streak.isLoading ? <Loading /> : null}
      <ErrorNotice error={streak.error} retry={() => void streak.refetch()} />
      {streak.data ? (
        <section className="streaks" aria-labelledby="streaks-h">
          <h2 id="streaks-h" className="visually-hidden">
            Streaks
          </h2>
          <div className="streak">
            <span className="streak-label">Current streak</span>
            <span className="streak-value" data-testid="current-streak">
              {days(streak.data.current_streak)}
            </span>
          </div>
          <div className="streak">
            <span className="streak-label">Longest streak</span>
            <span className="streak-value" data-testid="longest-streak">
              {days(streak.data.longest_streak)}
            </span>
          </div>
        </section>
      ) : null}
      {today && todays.isLoading ? <Loading label="Loading today's check-in…" /> : null}
      <ErrorNotice error={todays.error} retry={() => void todays.refetch()} />
      {today && todays.isSuccess ? <CheckinForm today={today} existing={todays.data} onSaved={setAnnounce} /> : null}
      <History />
    </Page>
  );
}
