// Dates and times as people read them, in the browser's locale and time zone.
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : dateTime.format(t);
}

/* A calendar date "YYYY-MM-DD" (no time zone conversion). */
export function formatDate(ymd: string | null | undefined): string {
  if (!ymd) return "—";
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return ymd;
  return dateOnly.format(new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

/* "YYYY-MM-DD" of a Date in the browser's time zone. */
export function isoDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export function isOverdue(dueAt: string | null | undefined, now = Date.now()): boolean {
  return !!dueAt && Date.parse(dueAt) < now;
}

export const flowLabel: Record<string, string> = {
  linear: "Linear",
  branching: "Branching",
  assessment: "Assessment",
};

export const statusLabel: Record<string, string> = {
  not_started: "Not started",
  in_progress: "In progress",
  completed: "Completed",
  passed: "Passed",
  failed: "Failed",
  draft: "Draft",
  published: "Published",
  archived: "Archived",
};
