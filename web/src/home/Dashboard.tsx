// The dashboard (/app): today's check-in at a glance, the person's assignments (due dates, overdue
// and done marks) and their progress on every module they started, newest first, with Load more.
import { useQuery, type QueryClient } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { api, call, currentSession, type Schemas } from "../api/client";
import { useUser } from "../auth/AuthContext";
import { Page } from "../components/Page";
import { ErrorNotice, Loading } from "../components/Status";
import { flowLabel, formatDateTime, statusLabel } from "../components/format";
import { prefetchCursorList, useCursorList } from "../components/paging";
import { streakKey } from "./checkinApi";
import { LoadMore } from "../components/LoadMore";

type Assignment = Schemas["Assignment"];
type DashboardItem = Schemas["DashboardItem"];

const DONE = new Set(["completed", "passed"]);

function statusBadge(status: string): string {
  if (status === "completed" || status === "passed") return "badge badge-ok";
  if (status === "failed") return "badge badge-danger";
  if (status === "in_progress") return "badge badge-warn";
  return "badge";
}

function days(n: number): string {
  return n === 1 ? "1 day" : `${n} days`;
}

const assignmentsKey = ["me", "assignments"] as const;
const progressKey = ["me", "progress"] as const;
const fetchStreak = () => call(api.GET("/api/v1/checkins/streak"));
const fetchAssignments = (cursor: string | undefined) =>
  call(api.GET("/api/v1/users/me/assignments", { params: { query: cursor ? { cursor } : {} } }));
const fetchProgress = (cursor: string | undefined) =>
  call(api.GET("/api/v1/users/me/progress", { params: { query: cursor ? { cursor } : {} } }));

/*
 * The dashboard route's loader: starts its three reads while the page's code loads and renders
 * (on a cold start that is most of the first page's time). What is cached is marked stale, so a
 * return from the player shows it at once and reads it again (progress moved).
 */
export function loadDashboard(qc: QueryClient): null {
  if (!currentSession()) return null;
  const reads = [
    { queryKey: assignmentsKey, load: () => prefetchCursorList(qc, assignmentsKey, fetchAssignments) },
    { queryKey: progressKey, load: () => prefetchCursorList(qc, progressKey, fetchProgress) },
    { queryKey: streakKey, load: () => qc.prefetchQuery({ queryKey: streakKey, queryFn: fetchStreak }) },
  ];
  for (const { queryKey, load } of reads) {
    if (qc.getQueryState(queryKey)?.dataUpdatedAt) void qc.invalidateQueries({ queryKey, exact: true });
    else void load();
  }
  return null;
}

function CheckinCard() {
  const streak = useQuery({ queryKey: streakKey, queryFn: fetchStreak });
  if (streak.isLoading) return null;
  if (streak.error || !streak.data) return null;
  const s = streak.data;
  return (
    <section className="card dash-checkin" aria-labelledby="dash-checkin-h">
      <h2 id="dash-checkin-h">Daily check-in</h2>
      <p>
        Current streak: <strong>{days(s.current_streak)}</strong> · Longest: {days(s.longest_streak)}
      </p>
      <p>
        {s.today_done ? (
          <>
            You checked in today. <Link to="/app/checkins">Review your check-in</Link>
          </>
        ) : (
          <Link className="btn btn-primary" to="/app/checkins">
            Check in for today
          </Link>
        )}
      </p>
    </section>
  );
}

function AssignmentItem({ a }: { a: Assignment }) {
  const done = DONE.has(a.progress_status);
  return (
    <li className={a.overdue ? "is-overdue" : undefined}>
      <h3 className="dash-item-title">
        <Link to={`/app/modules/${a.module_id}`}>{a.module.title}</Link>
      </h3>
      <p className="dash-badges">
        {done ? <span className="badge badge-ok">Done</span> : null}
        {a.overdue ? <span className="badge badge-danger">Overdue</span> : null}
        <span className={statusBadge(a.progress_status)}>{statusLabel[a.progress_status] ?? a.progress_status}</span>
        {a.progress_percent > 0 && !done ? <span className="meta">{a.progress_percent}% done</span> : null}
      </p>
      <p className={a.overdue ? "due due-overdue" : "due"}>
        {a.due_at ? (
          <>
            {a.overdue ? "Was due" : "Due"} <time dateTime={a.due_at}>{formatDateTime(a.due_at)}</time>
          </>
        ) : (
          "No due date"
        )}
      </p>
      {a.module.status === "archived" ? <p className="meta">This module has been archived.</p> : null}
      {!done ? (
        <p>
          <Link className="btn btn-small" to={`/app/modules/${a.module_id}/play`}>
            {a.progress_status === "not_started" ? "Start" : "Continue"}
            <span className="visually-hidden"> {a.module.title}</span>
          </Link>
        </p>
      ) : null}
    </li>
  );
}

function ProgressItem({ p }: { p: DashboardItem }) {
  const finished = p.status === "completed" || p.status === "passed" || p.status === "failed";
  return (
    <li>
      <h3 className="dash-item-title">
        <Link to={`/app/modules/${p.module_id}`}>{p.module.title}</Link>
      </h3>
      <p className="dash-badges">
        <span className={statusBadge(p.status)}>{statusLabel[p.status] ?? p.status}</span>
        <span className="meta">{flowLabel[p.flow_type] ?? p.flow_type}</span>
      </p>
      <p>
        {p.score !== null ? <>Score {p.score}% · </> : null}
        {p.percent}% complete
      </p>
      <p className="meta">
        Updated <time dateTime={p.updated_at ?? undefined}>{formatDateTime(p.updated_at)}</time>
      </p>
      <p>
        <Link className="btn btn-small" to={`/app/modules/${p.module_id}/play`}>
          {finished ? "Review" : "Continue"}
          <span className="visually-hidden"> {p.module.title}</span>
        </Link>
      </p>
    </li>
  );
}

export function Dashboard() {
  const user = useUser();
  const assignments = useCursorList<Assignment>(assignmentsKey, fetchAssignments);
  const progress = useCursorList<DashboardItem>(progressKey, fetchProgress);
  const overdue = assignments.items.filter((a) => a.overdue).length;

  return (
    <Page title="Dashboard">
      <p className="lede">Welcome back, {user.display_name}.</p>
      <CheckinCard />

      <section aria-labelledby="dash-assignments-h">
        <h2 id="dash-assignments-h">Your assignments</h2>
        {overdue > 0 ? (
          <p className="notice notice-warn">
            {overdue === 1 ? "1 assignment is overdue." : `${overdue} assignments are overdue.`}
          </p>
        ) : null}
        {assignments.isLoading ? <Loading label="Loading your assignments…" /> : null}
        <ErrorNotice error={assignments.error} retry={() => void assignments.refetch()} />
        {!assignments.isLoading && !assignments.error && assignments.items.length === 0 ? (
          <p className="empty">
            Nothing is assigned to you right now. <Link to="/app/modules">Browse the modules</Link> to start one
            yourself.
          </p>
        ) : null}
        {assignments.items.length > 0 ? (
          <ul className="card-list dash-list" aria-label="Assignments">
            {assignments.items.map((a) => (
              <AssignmentItem key={a.id} a={a} />
            ))}
          </ul>
        ) : null}
        <LoadMore list={assignments} />
      </section>

      <section aria-labelledby="dash-progress-h">
        <h2 id="dash-progress-h">Your progress</h2>
        {progress.isLoading ? <Loading label="Loading your progress…" /> : null}
        <ErrorNotice error={progress.error} retry={() => void progress.refetch()} />
        {!progress.isLoading && !progress.error && progress.items.length === 0 ? (
          <p className="empty">
            You have not started any modules yet. <Link to="/app/modules">Browse the modules</Link> to find one.
          </p>
        ) : null}
        {progress.items.length > 0 ? (
          <ul className="card-list dash-list" aria-label="Progress">
            {progress.items.map((p) => (
              <ProgressItem key={p.module_id} p={p} />
            ))}
          </ul>
        ) : null}
        <LoadMore list={progress} />
      </section>
    </Page>
  );
}
