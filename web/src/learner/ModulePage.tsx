// A module (/app/modules/:moduleId): what it is, the person's own progress (API.md §8; no
// record → "Not started"), the way into the player (Start / Resume / Review), the assessment's
// rules and last score, and the feedback form (§9).
import { Link, useParams } from "react-router-dom";
import { formatDateTime, flowLabel, statusLabel } from "../components/format";
import { Page } from "../components/Page";
import { ErrorNotice, Loading } from "../components/Status";
import { assessmentData, assessmentSettings, useModule, useProgress, useScreens, type Progress } from "./api";
import { FeedbackForm } from "./FeedbackForm";
import { ProgressBar, StatusBadge } from "./bits";

export function ModulePage() {
  const { moduleId = "" } = useParams();
  const module = useModule(moduleId);
  const progress = useProgress(moduleId, { enabled: module.isSuccess });
  const screens = useScreens(moduleId, module.isSuccess);

  if (module.isLoading) return <Loading label="Loading the module…" />;
  if (module.error || !module.data)
    return (
      <Page title="Module">
        <ErrorNotice error={module.error} retry={() => void module.refetch()} />
        <p>
          <Link to="/app/modules">Back to all modules</Link>
        </p>
      </Page>
    );
  const m = module.data;
  const p = progress.data;
  const assess = m.flow_type === "assessment" ? assessmentSettings(m) : null;
  const ad = p && m.flow_type === "assessment" ? assessmentData(p) : null;
  const attemptsUsed = ad ? ad.attempts.length : 0;
  const lastAttempt = ad?.attempts[ad.attempts.length - 1];

  return (
    <Page title={m.title}>
      <p className="meta">
        <span className="badge">{flowLabel[m.flow_type]}</span> {m.screen_count} screen{m.screen_count === 1 ? "" : "s"} · by{" "}
        {m.author_name}
        {m.status !== "published" ? (
          <>
            {" "}
            · <span className="badge badge-warn">{statusLabel[m.status]}</span>
          </>
        ) : null}
      </p>
      {m.description ? <p className="module-desc">{m.description}</p> : null}

      {assess ? (
        <dl className="facts">
          <div>
            <dt>Pass mark</dt>
            <dd>{assess.passScore}%</dd>
          </div>
          <div>
            <dt>Attempts used</dt>
            <dd>{assess.maxAttempts === null ? `${attemptsUsed} (no limit)` : `${attemptsUsed} of ${assess.maxAttempts}`}</dd>
          </div>
          <div>
            <dt>Last score</dt>
            <dd>{lastAttempt ? `${lastAttempt.score}% (${lastAttempt.passed ? "passed" : "not passed"})` : "No attempt submitted yet"}</dd>
          </div>
        </dl>
      ) : null}

      <section className="card" aria-labelledby="your-progress">
        <h2 id="your-progress">Your progress</h2>
        {progress.isLoading ? (
          <Loading label="Loading your progress…" />
        ) : progress.error ? (
          <ErrorNotice error={progress.error} retry={() => void progress.refetch()} />
        ) : p ? (
          <ProgressSummary moduleId={m.id} progress={p} canStart={m.status === "published" || p.version > 0}
            closedReason={m.status === "draft"
              ? "This module is a draft: it can be taken once it is published."
              : "This module has been archived and is no longer open to new learners."} />
        ) : null}
      </section>

      {m.status === "published" ? (
        <section className="card" id="feedback">
          <FeedbackForm moduleId={m.id} screens={screens.data ?? []} />
        </section>
      ) : null}
      <p>
        <Link to="/app/modules">Back to all modules</Link>
      </p>
    </Page>
  );
}

function ProgressSummary({
  moduleId,
  progress: p,
  canStart,
  closedReason,
}: {
  moduleId: string;
  progress: Progress;
  canStart: boolean;
  closedReason: string;
}) {
  const done = p.status === "completed" || p.status === "passed" || p.status === "failed";
  return (
    <>
      <p>
        <StatusBadge status={p.status} />
        {p.status !== "not_started" ? <span className="meta"> · {p.percent}% complete</span> : null}
      </p>
      <ProgressBar percent={p.percent} label="Module progress" />
      {p.started_at ? <p className="meta">Started {formatDateTime(p.started_at)}</p> : null}
      {p.completed_at ? <p className="meta">Finished {formatDateTime(p.completed_at)}</p> : null}
      {canStart ? (
        <div className="btn-row">
          <Link className="btn btn-primary" to={`/app/modules/${moduleId}/play`}>
            {p.status === "not_started" ? "Start" : done ? "Review" : "Resume"}
          </Link>
        </div>
      ) : (
        <p>{closedReason}</p>
      )}
    </>
  );
}
