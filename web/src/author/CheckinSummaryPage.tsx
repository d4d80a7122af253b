// /app/studio/checkins — everyone's daily check-ins over a date range (GET /checkins/summary,
// API.md §10: counts and average mood/confidence per day, never individual values), as an SVG
// chart with an accessible name and description and the same numbers in a table.
import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, ApiError, call, type Schemas } from "../api/client";
import { TextField } from "../components/fields";
import { formatDate, isoDate } from "../components/format";
import { Page } from "../components/Page";
import { ErrorNotice, Loading } from "../components/Status";

type Summary = Schemas["CheckinSummary"];

function defaultRange() {
  const to = new Date();
  const from = new Date(to);
  from.setDate(from.getDate() - 29);
  return { from: isoDate(from), to: isoDate(to) };
}

export function CheckinSummaryPage() {
  const [range, setRange] = useState(defaultRange);
  const [from, setFrom] = useState(range.from);
  const [to, setTo] = useState(range.to);
  const [local, setLocal] = useState<string | null>(null);
  const q = useQuery({
    queryKey: ["checkins", "summary", range.from, range.to],
    queryFn: () => call(api.GET("/api/v1/checkins/summary", { params: { query: { from: range.from, to: range.to } } })),
    placeholderData: (prev) => prev,
  });
  const fe = q.error instanceof ApiError && q.error.status === 422 ? q.error.fieldErrors() : {};

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!from || !to) return setLocal("Enter both dates.");
    if (from > to) return setLocal("The start date must not be after the end date.");
    setLocal(null);
    setRange({ from, to });
  }

  return (
    <Page title="Check-in summary">
      <p className="meta">How everyone felt, day by day: the number of check-ins and the average mood and confidence (1 to 5). Notes and individual answers are never shown.</p>
      <form className="studio-filters" onSubmit={submit} noValidate aria-label="Date range">
        <TextField label="From" type="date" value={from} onChange={setFrom} error={local ?? fe.from} />
        <TextField label="To" type="date" value={to} onChange={setTo} error={fe.to} />
        <div className="studio-filters-submit">
          <button type="submit" className="btn btn-primary">
            Show
          </button>
        </div>
      </form>
      {q.isLoading ? (
        <Loading label="Loading the summary…" />
      ) : q.error && !Object.keys(fe).length ? (
        <ErrorNotice error={q.error} retry={() => void q.refetch()} />
      ) : q.data ? (
        <SummaryView s={q.data} />
      ) : null}
    </Page>
  );
}

function SummaryView({ s }: { s: Summary }) {
  const withData = s.days.filter((d) => d.count > 0);
  const avg = (k: "average_mood" | "average_confidence") => {
    const total = withData.reduce((n, d) => n + d.count, 0);
    if (!total) return null;
    return Math.round((100 * withData.reduce((n, d) => n + (d[k] ?? 0) * d.count, 0)) / total) / 100;
  };
  const mood = avg("average_mood");
  const conf = avg("average_confidence");
  return (
    <>
      <p role="status">
        <strong>
          {s.total_count} check-in{s.total_count === 1 ? "" : "s"}
        </strong>{" "}
        from {formatDate(s.from)} to {formatDate(s.to)}
        {mood !== null ? ` · average mood ${mood.toFixed(2)}, confidence ${conf?.toFixed(2)}` : ""}
      </p>
      <Chart s={s} mood={mood} conf={conf} />
      <details className="studio-details" open={s.days.length <= 14}>
        <summary>Table of the same numbers</summary>
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Check-ins per day table">
          <table className="studio-checkin-table">
            <caption className="visually-hidden">Check-ins per day</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Check-ins</th>
                <th scope="col">Average mood</th>
                <th scope="col">Average confidence</th>
              </tr>
            </thead>
            <tbody>
              {s.days.map((d) => (
                <tr key={d.date}>
                  <th scope="row">{formatDate(d.date)}</th>
                  <td>{d.count}</td>
                  <td>{d.average_mood ?? "—"}</td>
                  <td>{d.average_confidence ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}

const W = 360;
const L = 24;
const R = 8;
const TOP = 26;
const LINE_H = 110;
const GAP = 18;
const BARS_H = 50;
const H = TOP + LINE_H + GAP + BARS_H + 18;

/* Polyline segments over the days with a value (a day without check-ins breaks the line). */
function segments(values: (number | null)[], x: (i: number) => number, y: (v: number) => number): string[] {
  const out: string[] = [];
  let cur: string[] = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (cur.length) out.push(cur.join(" "));
      cur = [];
    } else cur.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
  });
  if (cur.length) out.push(cur.join(" "));
  return out;
}

function Chart({ s, mood, conf }: { s: Summary; mood: number | null; conf: number | null }) {
  const n = s.days.length;
  const inner = W - L - R;
  const step = inner / Math.max(1, n);
  const x = (i: number) => L + step * (i + 0.5);
  const y = (v: number) => TOP + LINE_H - ((v - 1) / 4) * LINE_H;
  const maxCount = Math.max(1, ...s.days.map((d) => d.count));
  const barTop = TOP + LINE_H + GAP;
  const busiest = [...s.days].sort((a, b) => b.count - a.count)[0];
  const desc =
    `${s.total_count} check-ins over ${n} days from ${formatDate(s.from)} to ${formatDate(s.to)}.` +
    (mood !== null ? ` Average mood ${mood.toFixed(2)} and confidence ${conf?.toFixed(2)} out of 5.` : " No check-ins in this range.") +
    (busiest && busiest.count > 0 ? ` The busiest day was ${formatDate(busiest.date)} with ${busiest.count}.` : "");
  const labelEvery = Math.max(1, Math.ceil(n / 5));
  return (
    <figure className="studio-figure">
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="ck-title ck-desc">
        <title id="ck-title">Check-ins per day: average mood and confidence, and counts</title>
        <desc id="ck-desc">{desc}</desc>
        <g aria-hidden="true">
          <line x1={L} x2={L + 10} y1={10} y2={10} className="line-mood" />
          <text x={L + 14} y={13} className="chart-label">
            Mood
          </text>
          <line x1={L + 62} x2={L + 72} y1={10} y2={10} className="line-conf" />
          <text x={L + 76} y={13} className="chart-label">
            Confidence
          </text>
          <rect x={L + 160} y={5} width={10} height={10} className="bar-count" />
          <text x={L + 174} y={13} className="chart-label">
            Check-ins
          </text>
          {[1, 2, 3, 4, 5].map((v) => (
            <g key={v}>
              <line x1={L} x2={W - R} y1={y(v)} y2={y(v)} className="grid" />
              <text x={L - 4} y={y(v) + 3} className="chart-label" textAnchor="end">
                {v}
              </text>
            </g>
          ))}
          {segments(s.days.map((d) => d.average_mood), x, y).map((p, i) =>
            p.includes(" ") ? <polyline key={`m${i}`} points={p} className="line-mood" /> : null,
          )}
          {segments(s.days.map((d) => d.average_confidence), x, y).map((p, i) =>
            p.includes(" ") ? <polyline key={`c${i}`} points={p} className="line-conf" /> : null,
          )}
          {s.days.map((d, i) =>
            d.average_mood !== null ? <circle key={`mp${d.date}`} cx={x(i)} cy={y(d.average_mood)} r={2.5} className="dot-mood" /> : null,
          )}
          {s.days.map((d, i) =>
            d.average_confidence !== null ? (
              <rect key={`cp${d.date}`} x={x(i) - 2.2} y={y(d.average_confidence) - 2.2} width={4.4} height={4.4} className="dot-conf" />
            ) : null,
          )}
          <line x1={L} x2={W - R} y1={barTop + BARS_H} y2={barTop + BARS_H} className="grid" />
          <text x={L - 4} y={barTop + 8} className="chart-label" textAnchor="end">
            {maxCount}
          </text>
          {s.days.map((d, i) => {
            const h = (BARS_H * d.count) / maxCount;
            return <rect key={`b${d.date}`} x={x(i) - step * 0.35} y={barTop + BARS_H - h} width={step * 0.7} height={h} className="bar-count" />;
          })}
          {s.days.map((d, i) =>
            i === n - 1 || (i % labelEvery === 0 && n - 1 - i >= labelEvery * 0.6) ? (
              <text key={`l${d.date}`} x={x(i)} y={H - 4} className="chart-label" textAnchor="middle">
                {d.date.slice(5)}
              </text>
            ) : null,
          )}
        </g>
      </svg>
    </figure>
  );
}
