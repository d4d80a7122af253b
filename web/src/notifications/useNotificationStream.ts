// The live notification stream (API.md §12): one EventSource per signed-in page, authenticated
// with `?access_token=` (EventSource cannot send headers).
//
// - Each event's id is the notification's `seq`, so when the connection drops the browser itself
//   reconnects with `Last-Event-ID` and the server replays what was missed. When we have to open a
//   new EventSource ourselves (after it gave up: CLOSED), the last seq seen goes in
//   `?last_event_id=` for the same replay.
// - Every (re)open refetches the cached notifications: whatever happened between the page's first
//   reads and the stream's start, or during a gap, is caught up.
// - An error may mean the token is no longer valid (logout elsewhere, expiry, deactivation: the
//   server closes the stream and the reconnect gets 401). EventSource cannot tell us the status,
//   so we ask GET /users/me: a 401 there signs the person out through api/client's
//   onUnauthorized, which unmounts the layout and with it this stream.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { api, ApiError, call, currentSession } from "../api/client";
import { useAuth } from "../auth/AuthContext";
import { addNotification, NOTIFICATION_TYPES, notificationKeys, type Notification } from "./cache";

const CHECK_INTERVAL_MS = 3_000;

export function useNotificationStream(): void {
  const qc = useQueryClient();
  const { user } = useAuth();
  const userId = user?.id;

  useEffect(() => {
    if (!userId || typeof EventSource === "undefined") return;
    let source: EventSource | null = null;
    let stopped = false;
    let lastSeq: number | null = null;
    let reopenTimer: number | undefined;
    let failures = 0;
    let lastCheck = 0;
    let checking = false;

    const onEvent = (e: MessageEvent<string>) => {
      let n: Notification;
      try {
        n = JSON.parse(e.data) as Notification;
      } catch {
        return;
      }
      if (typeof n.seq === "number" && (lastSeq === null || n.seq > lastSeq)) lastSeq = n.seq;
      addNotification(qc, n);
      if (n.type === "module_assigned" || n.type === "module_published" || n.type === "assignment_due_soon")
        void qc.invalidateQueries({ queryKey: ["me", "assignments"] });
    };

    /* Is the session still valid? 401 signs out (middleware); anything else: keep trying. */
    const checkSession = async (force: boolean): Promise<boolean> => {
      const now = Date.now();
      if (checking || (!force && now - lastCheck < CHECK_INTERVAL_MS)) return true;
      checking = true;
      lastCheck = now;
      try {
        await call(api.GET("/api/v1/users/me"));
        return true;
      } catch (e) {
        return !(e instanceof ApiError && e.status === 401);
      } finally {
        checking = false;
      }
    };

    const open = () => {
      const session = currentSession();
      if (stopped || !session) return;
      let url = `/api/v1/notifications/stream?access_token=${encodeURIComponent(session.token)}`;
      if (lastSeq !== null) url += `&last_event_id=${lastSeq}`;
      const es = new EventSource(url);
      source = es;
      es.onopen = () => {
        failures = 0;
        void qc.invalidateQueries({ queryKey: notificationKeys.all });
      };
      for (const type of NOTIFICATION_TYPES) es.addEventListener(type, onEvent as EventListener);
      es.onerror = () => {
        if (stopped || source !== es) return;
        if (es.readyState === EventSource.CLOSED) {
          // The browser gave up (an HTTP error such as 401 or 429). Check the session, then open
          // a new stream later, continuing from the last event seen.
          es.close();
          source = null;
          failures += 1;
          void checkSession(true).then((valid) => {
            if (stopped || !valid) return;
            const delay = Math.min(60_000, 5_000 * 2 ** Math.min(failures - 1, 4));
            reopenTimer = window.setTimeout(open, delay);
          });
        } else {
          // The connection dropped; the browser reconnects with Last-Event-ID by itself.
          void checkSession(false);
        }
      };
    };

    open();
    return () => {
      stopped = true;
      window.clearTimeout(reopenTimer);
      source?.close();
      source = null;
    };
  }, [qc, userId]);
}
