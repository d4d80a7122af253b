// Shared pieces of the studio: the module and screen queries, names of users by id, the module's
// sub-navigation, labels, a confirmation dialog, and the date helpers the forms need.
import { useQueries, useQuery } from "@tanstack/react-query";
import { useEffect, useRef, type ReactNode } from "react";
import { NavLink } from "react-router-dom";
import { api, call, type Module, type Schemas, type Screen } from "../api/client";
import { statusLabel } from "../components/format";
import { BusyButton } from "../components/BusyButton";

export type FlowType = Module["flow_type"];
export type ScreenType = Screen["type"];
export type ModuleStatus = Module["status"];

export const screenTypeLabel: Record<ScreenType, string> = {
  content: "Content",
  question: "Question",
  reflection: "Reflection",
  checklist: "Checklist",
  branch: "Branch (choices)",
};

/* API.md §6.2: the screen types each flow allows, in the order they are offered. */
export const typesForFlow: Record<FlowType, ScreenType[]> = {
  linear: ["content", "question", "reflection", "checklist"],
  branching: ["content", "question", "reflection", "checklist", "branch"],
  assessment: ["content", "question"],
};

export function moduleKey(id: string) {
  return ["module", id] as const;
}
export function screensKey(id: string) {
  return ["module", id, "screens"] as const;
}

export function useModule(moduleId: string) {
  return useQuery({
    queryKey: moduleKey(moduleId),
    queryFn: () => call(api.GET("/api/v1/modules/{module_id}", { params: { path: { module_id: moduleId } } })),
  });
}

export function useScreens(moduleId: string) {
  return useQuery({
    queryKey: screensKey(moduleId),
    queryFn: () =>
      call(api.GET("/api/v1/modules/{module_id}/screens", { params: { path: { module_id: moduleId } } })).then(
        (r) => r.items,
      ),
  });
}

/* Display names of users by id (GET /users/{id}, cached per user). Unknown ones map to undefined. */
export function useUserNames(ids: (string | null | undefined)[]): Record<string, string | undefined> {
  const unique = [...new Set(ids.filter((x): x is string => !!x))];
  const results = useQueries({
    queries: unique.map((id) => ({
      queryKey: ["user", id],
      queryFn: () => call(api.GET("/api/v1/users/{user_id}", { params: { path: { user_id: id } } })),
      staleTime: 5 * 60_000,
      retry: false,
    })),
  });
  const out: Record<string, string | undefined> = {};
  unique.forEach((id, i) => {
    out[id] = results[i]?.data?.display_name;
  });
  return out;
}

export function StatusBadge({ status }: { status: ModuleStatus }) {
  const cls = status === "published" ? "badge badge-ok" : status === "archived" ? "badge badge-warn" : "badge";
  return <span className={cls}>{statusLabel[status] ?? status}</span>;
}

/* The tabs under a module's title: editor, feedback, analytics, assign. */
export function ModuleNav({ module }: { module: Module }) {
  const base = `/app/studio/modules/${module.id}`;
  return (
    <nav aria-label="Module" className="studio-subnav">
      <ul>
        <li>
          <NavLink to={base} end>
            Edit
          </NavLink>
        </li>
        <li>
          <NavLink to={`${base}/feedback`}>Feedback</NavLink>
        </li>
        <li>
          <NavLink to={`${base}/analytics`}>Analytics</NavLink>
        </li>
        <li>
          <NavLink to={`${base}/assign`}>Assign</NavLink>
        </li>
      </ul>
    </nav>
  );
}

/*
 * A modal confirmation (<dialog> with showModal: the browser keeps focus inside and Escape closes
 * it). Focus goes to the cancel button on open and back to the element that opened it on close.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  busy,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  onConfirm(): void;
  onCancel(): void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      opener.current = document.activeElement;
      d.showModal();
      cancelRef.current?.focus();
    } else if (!open && d.open) {
      d.close();
      const o = opener.current;
      if (o instanceof HTMLElement && o.isConnected) o.focus();
    }
  }, [open]);
  const titleId = `confirm-${title.replace(/\W+/g, "-").toLowerCase()}`;
  return (
    <dialog
      ref={ref}
      className="studio-dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {children}
      <div className="btn-row">
        <BusyButton className="btn btn-danger" onClick={onConfirm} busy={busy ?? false}>
          {busy ? "Working…" : confirmLabel}
        </BusyButton>
        <button type="button" className="btn" ref={cancelRef} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}

/* Local date + time inputs → RFC 3339 with the browser's UTC offset ("2026-12-01T17:00:00+01:00"). */
export function localToRfc3339(date: string, time: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})$/.exec(time || "00:00");
  if (!m || !t) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(t[1]), Number(t[2]), 0, 0);
  if (Number.isNaN(d.getTime())) return null;
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? "+" : "-";
  const p = (n: number) => String(Math.floor(Math.abs(n))).padStart(2, "0");
  return `${date}T${time || "00:00"}:00${sign}${p(off / 60)}:${p(off % 60)}`;
}

/* An RFC 3339 instant → the local "YYYY-MM-DD" and "HH:MM" for date and time inputs. */
export function rfc3339ToLocal(iso: string | null | undefined): { date: string; time: string } {
  if (!iso) return { date: "", time: "" };
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return { date: "", time: "" };
  const p = (n: number) => String(n).padStart(2, "0");
  return {
    date: `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`,
    time: `${p(d.getHours())}:${p(d.getMinutes())}`,
  };
}

export function percent(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}

export type Settings = Schemas["Module"]["settings"];

/* Focuses the element with `id` once it is in the page (a few frames at most), e.g. a screen just
 * added, so that focus never falls back to the page's body. */
export function focusWhenDrawn(id: string, tries = 10): void {
  const el = document.getElementById(id);
  if (el) el.focus();
  else if (tries > 0) requestAnimationFrame(() => focusWhenDrawn(id, tries - 1));
}
