// Notifications in the react-query cache: the keys, the reads, and the updates that a stream event
// or a "mark read" makes to every cached copy (the bell's recent list, the full page's pages and
// the unread count), so the bell and the page agree without refetching everything.
import type { InfiniteData, QueryClient } from "@tanstack/react-query";
import { api, call, type Schemas } from "../api/client";

export type Notification = Schemas["Notification"];
export type NotificationPage = Schemas["NotificationPage"];

export const RECENT_LIMIT = 8;

export const notificationKeys = {
  all: ["notifications"] as const,
  count: ["notifications", "unread-count"] as const,
  recent: ["notifications", "recent"] as const,
  page: ["notifications", "page"] as const,
};

/* The event types of the stream (API.md §12): each event's `event:` field is the notification type. */
export const NOTIFICATION_TYPES: Notification["type"][] = [
  "module_assigned",
  "assignment_due_soon",
  "module_published",
  "feedback_received",
];

export function fetchUnreadCount(): Promise<{ count: number }> {
  return call(api.GET("/api/v1/notifications/unread-count"));
}

export function fetchNotifications(cursor?: string, limit = 20): Promise<NotificationPage> {
  return call(api.GET("/api/v1/notifications", { params: { query: { limit, ...(cursor ? { cursor } : {}) } } }));
}

function inPages(data: InfiniteData<NotificationPage> | undefined, id: string): boolean {
  return !!data?.pages.some((p) => p.items.some((n) => n.id === id));
}

/* A notification that arrived over the stream: put it first in the cached lists (once). */
export function addNotification(qc: QueryClient, n: Notification): void {
  qc.setQueryData<NotificationPage>(notificationKeys.recent, (old) => {
    if (!old || old.items.some((x) => x.id === n.id)) return old;
    const items = [n, ...old.items].sort((a, b) => b.seq - a.seq);
    return { ...old, items: items.slice(0, RECENT_LIMIT) };
  });
  qc.setQueryData<InfiniteData<NotificationPage>>(notificationKeys.page, (old) => {
    if (!old || inPages(old, n.id) || old.pages.length === 0) return old;
    const [first, ...rest] = old.pages;
    return { ...old, pages: [{ ...first!, items: [n, ...first!.items] }, ...rest] };
  });
  void qc.invalidateQueries({ queryKey: notificationKeys.count });
}

/* Replaces cached copies of notifications (after mark-read) by `update`. */
function mapCached(qc: QueryClient, update: (n: Notification) => Notification): void {
  qc.setQueryData<NotificationPage>(notificationKeys.recent, (old) => old && { ...old, items: old.items.map(update) });
  qc.setQueryData<InfiniteData<NotificationPage>>(
    notificationKeys.page,
    (old) => old && { ...old, pages: old.pages.map((p) => ({ ...p, items: p.items.map(update) })) },
  );
}

export async function markRead(qc: QueryClient, id: string): Promise<void> {
  const updated = await call(
    api.POST("/api/v1/notifications/{notification_id}/read", { params: { path: { notification_id: id } } }),
  );
  mapCached(qc, (n) => (n.id === id ? updated : n));
  await qc.invalidateQueries({ queryKey: notificationKeys.count });
}

export async function markAllRead(qc: QueryClient): Promise<number> {
  const r = await call(api.POST("/api/v1/notifications/read-all"));
  const now = new Date().toISOString();
  mapCached(qc, (n) => (n.read ? n : { ...n, read: true, read_at: now }));
  qc.setQueryData(notificationKeys.count, { count: 0 });
  await qc.invalidateQueries({ queryKey: notificationKeys.count });
  return r.updated;
}

/* Where a notification leads: feedback to the module's feedback in the studio (its author is the
 * recipient), anything else to the module it is about. */
export function notificationLink(n: Notification): { to: string; label: string } | null {
  const moduleId = (n.data as { module_id?: string | null }).module_id;
  if (!moduleId) return null;
  if (n.type === "feedback_received") return { to: `/app/studio/modules/${moduleId}/feedback`, label: "See feedback" };
  return { to: `/app/modules/${moduleId}`, label: "Open module" };
}
