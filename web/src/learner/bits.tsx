// Small pieces the learner pages share: the status badge and the progress bar.
import { statusLabel } from "../components/format";
import type { Progress } from "./api";

const badgeClass: Record<string, string> = {
  completed: "badge badge-ok",
  passed: "badge badge-ok",
  failed: "badge badge-danger",
  in_progress: "badge",
  not_started: "badge badge-muted",
};

export function StatusBadge({ status }: { status: Progress["status"] }) {
  return <span className={badgeClass[status] ?? "badge"}>{statusLabel[status] ?? status}</span>;
}

/* A progress bar with its value for assistive technology (role progressbar, aria-valuenow …). */
export function ProgressBar({ percent, label }: { percent: number; label: string }) {
  const v = Math.max(0, Math.min(100, Math.round(percent)));
  return (
    <div
      className="progressbar"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={v}
      aria-valuetext={`${v}% complete`}
    >
      <div className="progressbar-fill" style={{ width: `${v}%` }} />
    </div>
  );
}
