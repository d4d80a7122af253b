// The notification bell in the top bar: a button named "Notifications" or "Notifications, N unread"
// (the count is live, from the SSE stream), which opens a non-modal panel with the recent
// notifications, "Mark as read" per item and "Mark all as read". Escape or a click outside closes
// the panel; Escape returns focus to the bell.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { Link } from "react-router-dom";
import { ErrorNotice, errorMessage, Loading } from "../components/Status";
import {
  fetchNotifications,
  fetchUnreadCount,
  markAllRead,
  notificationKeys,
  RECENT_LIMIT,
} from "./cache";
import { NotificationItem } from "./NotificationItem";
import { useNotificationStream } from "./useNotificationStream";

export function NotificationBell() {
  useNotificationStream();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [announce, setAnnounce] = useState("");
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const wrap = useRef<HTMLDivElement>(null);
  const panelId = useId();
  const headingId = useId();

  const countQuery = useQuery({ queryKey: notificationKeys.count, queryFn: fetchUnreadCount });
  const count = countQuery.data?.count ?? 0;
  const recent = useQuery({
    queryKey: notificationKeys.recent,
    queryFn: () => fetchNotifications(undefined, RECENT_LIMIT),
    enabled: open,
  });

  // Announce a rising count (a new notification arrived), not the first load.
  const previous = useRef<number | null>(null);
  useEffect(() => {
    if (!countQuery.data) return;
    const c = countQuery.data.count;
    if (previous.current !== null && c > previous.current)
      setAnnounce(`New notification. ${c} unread.`);
    previous.current = c;
  }, [countQuery.data]);

  const close = (returnFocus: boolean) => {
    setOpen(false);
    setActionError(null);
    if (returnFocus) button.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    panel.current?.querySelector<HTMLElement>("h2")?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        e.preventDefault();
        close(true);
      }
    };
    const onPointer = (e: PointerEvent) => {
      if (wrap.current && !wrap.current.contains(e.target as Node)) close(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("pointerdown", onPointer);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("pointerdown", onPointer);
    };
  }, [open]);

  const label = count > 0 ? `Notifications, ${count} unread` : "Notifications";
  const items = recent.data?.items ?? [];

  return (
    <div
      className="bell"
      ref={wrap}
      onBlur={(e) => {
        // Tabbing out of the panel closes it (focus has moved on; nothing to return).
        const to = e.relatedTarget as Node | null;
        if (open && to && wrap.current && !wrap.current.contains(to)) close(false);
      }}
    >
      <button
        ref={button}
        type="button"
        className="bell-button"
        aria-label={label}
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={() => (open ? close(false) : setOpen(true))}
      >
        <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
          <path
            fill="currentColor"
            d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2z"
          />
        </svg>
        {count > 0 ? (
          <span className="bell-count" aria-hidden="true">
            {count > 99 ? "99+" : count}
          </span>
        ) : null}
      </button>
      <span className="visually-hidden" aria-live="polite">
        {announce}
      </span>
      {open ? (
        <div ref={panel} id={panelId} className="bell-panel" role="dialog" aria-labelledby={headingId}>
          <div className="bell-panel-head">
            <h2 id={headingId} tabIndex={-1}>
              Notifications
            </h2>
            <button
              type="button"
              className="btn btn-small"
              disabled={count === 0 && !busy}
              aria-disabled={busy || undefined}
              onClick={async () => {
                if (busy) return;
                setBusy(true);
                setActionError(null);
                try {
                  await markAllRead(qc);
                  // The button is disabled now that nothing is unread: focus the panel's heading.
                  panel.current?.querySelector<HTMLElement>("h2")?.focus();
                } catch (e) {
                  setActionError(errorMessage(e));
                } finally {
                  setBusy(false);
                }
              }}
            >
              Mark all as read
            </button>
          </div>
          <p className="meta">{count > 0 ? `${count} unread` : "All caught up."}</p>
          {actionError ? (
            <p className="field-error" role="alert">
              {actionError}
            </p>
          ) : null}
          {recent.isLoading ? <Loading /> : null}
          {recent.error ? <ErrorNotice error={recent.error} retry={() => void recent.refetch()} /> : null}
          {recent.data && items.length === 0 ? <p>You have no notifications yet.</p> : null}
          {items.length > 0 ? (
            <ul className="notif-list">
              {items.map((n) => (
                <NotificationItem key={n.id} n={n} onNavigate={() => close(false)} />
              ))}
            </ul>
          ) : null}
          <p className="bell-panel-foot">
            <Link to="/app/notifications" onClick={() => close(false)}>
              See all notifications
            </Link>
          </p>
        </div>
      ) : null}
    </div>
  );
}
