// /app/studio/modules/:moduleId/analytics — the module's totals and, per screen, how many learners
// reached it and how many stopped there (API.md §13), as an SVG bar chart (no chart library) with
// an accessible name and description, and the same numbers in a table.
import { useQuery } from "@tanstack/react-query";
import { api, call, type Module, type Schemas } from "../api/client";
import { ErrorNotice, Loading } from "../components/Status";
import { percent, screenTypeLabel } from "./common";
import { ModuleShell } from "./ModuleShell";

type Analytics = Schemas["Analytics"];

export function AnalyticsPage() {
  return <ModuleShell name="Analytics">{(m) => <AnalyticsBody module={m} />}</ModuleShell>;
}

function AnalyticsBody({ module }: { module: Module }) {
  const q = useQuery({
    queryKey: ["module", module.id, "analytics"],
    queryFn: () => call(api.GET("/api/v1/modules/{module_id}/analytics", { params: { path: { module_id: module.id } } })),
  });
  if (q.isLoading) return <Loading label="Loading analytics…" />;
  if (q.error || !q.data) return <ErrorNotice error={q.error} retry={() => void q.refetch()} />;
  const a = q.data;
  return (
    <>
      <dl className="studio-stats">
        <div>
          <dt>Learners started</dt>
          <dd>{a.learners_started}</dd>
        </div>
        <div>
          <dt>Completed</dt>
          <dd>
            {a.learners_completed} <span className="meta">({percent(a.completion_rate)})</span>
          </dd>
        </div>
        {a.learners_passed !== null ? (
          <div>
            <dt>Passed / failed</dt>
            <dd>
              {a.learners_passed} / {a.learners_failed ?? 0}
            </dd>
          </div>
        ) : null}
        {a.average_score !== null ? (
          <div>
            <dt>Average score</dt>
            <dd>{a.average_score}</dd>
          </div>
        ) : null}
        <div>
          <dt>Feedback</dt>
          <dd>
            {a.feedback_count}
            {a.average_rating !== null ? <span className="meta"> (average {a.average_rating.toFixed(2)})</span> : null}
          </dd>
        </div>
      </dl>

      <h2>Reach and drop-off per screen</h2>
      {a.screens.length === 0 ? (
        <p className="meta">This module has no screens.</p>
      ) : (
        <>
          <ReachChart a={a} />
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Reach and drop-off table">
            <table>
              <caption className="studio-caption">Reach and drop-off per screen (the numbers of the chart)</caption>
              <thead>
                <tr>
                  <th scope="col">Screen</th>
                  <th scope="col">Type</th>
                  <th scope="col">Reached</th>
                  <th scope="col">Reach rate</th>
                  <th scope="col">Stopped here</th>
                  <th scope="col">Drop-off rate</th>
                </tr>
              </thead>
              <tbody>
                {a.screens.map((s) => (
                  <tr key={s.screen_id}>
                    <th scope="row">
                      {s.position}. {s.title}
                    </th>
                    <td>{screenTypeLabel[s.type]}</td>
                    <td>{s.reached}</td>
                    <td>{percent(s.reach_rate)}</td>
                    <td>{s.drop_off}</td>
                    <td>{percent(s.drop_off_rate)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}

const W = 360;
const LABEL_H = 18;
const BAR_H = 12;
const ROW_H = LABEL_H + 2 * BAR_H + 14;
const LEFT = 4;
const RIGHT = 40;

function truncate(s: string, n: number) {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

function ReachChart({ a }: { a: Analytics }) {
  const max = Math.max(1, a.learners_started, ...a.screens.map((s) => s.reached));
  const width = W - LEFT - RIGHT;
  const top = 30;
  const height = top + a.screens.length * ROW_H;
  const x = (n: number) => (width * n) / max;
  const most = [...a.screens].sort((p, q) => q.drop_off - p.drop_off)[0];
  const desc =
    `${a.learners_started} learner${a.learners_started === 1 ? "" : "s"} started. ` +
    a.screens.map((s) => `${s.title}: reached by ${s.reached}, ${s.drop_off} stopped there.`).join(" ") +
    (most && most.drop_off > 0 ? ` Most learners stopped at “${most.title}”.` : "");
  return (
    <figure className="studio-figure">
      <svg className="chart" viewBox={`0 0 ${W} ${height}`} role="img" aria-labelledby="reach-title reach-desc">
        <title id="reach-title">Reach and drop-off per screen</title>
        <desc id="reach-desc">{desc}</desc>
        <g aria-hidden="true">
          <rect x={LEFT} y={6} width={10} height={10} className="bar-reach" />
          <text x={LEFT + 14} y={15} className="chart-label">
            Reached
          </text>
          <rect x={LEFT + 90} y={6} width={10} height={10} className="bar-drop" />
          <text x={LEFT + 104} y={15} className="chart-label">
            Stopped here
          </text>
          {a.screens.map((s, i) => {
            const y = top + i * ROW_H;
            return (
              <g key={s.screen_id}>
                <text x={LEFT} y={y + 13} className="chart-label chart-strong">
                  {truncate(`${s.position}. ${s.title}`, 46)}
                </text>
                <rect x={LEFT} y={y + LABEL_H} width={width} height={BAR_H} className="bar-track" />
                <rect x={LEFT} y={y + LABEL_H} width={x(s.reached)} height={BAR_H} className="bar-reach" />
                <text x={LEFT + width + 4} y={y + LABEL_H + 10} className="chart-label">
                  {s.reached}
                </text>
                <rect x={LEFT} y={y + LABEL_H + BAR_H + 2} width={width} height={BAR_H} className="bar-track" />
                <rect x={LEFT} y={y + LABEL_H + BAR_H + 2} width={x(s.drop_off)} height={BAR_H} className="bar-drop" />
                <text x={LEFT + width + 4} y={y + LABEL_H + 2 * BAR_H + 2} className="chart-label">
                  {s.drop_off}
                </text>
              </g>
            );
          })}
        </g>
      </svg>
      <figcaption className="meta">Bars are out of the {a.learners_started} learner{a.learners_started === 1 ? "" : "s"} who started.</figcaption>
    </figure>
  );
}
