// /app/notifications: every notification, newest first, with Load more, mark one and mark all read.
// The list lives in the same cache the stream updates, so new notifications appear here live.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Page } from "../components/Page";
import { ErrorNotice, Loading, SuccessNotice } from "../components/Status";
import { useCursorList } from "../components/paging";
import { fetchNotifications, fetchUnreadCount, markAllRead, notificationKeys, type Notification } from "./cache";
import { NotificationItem } from "./NotificationItem";
import { LoadMore } from "../components/LoadMore";

export function NotificationsPage() {
  const qc = useQueryClient();
  const list = useCursorList<Notification>(notificationKeys.page, (cursor) => fetchNotifications(cursor));
  const count = useQuery({ queryKey: notificationKeys.count, queryFn: fetchUnreadCount });
  const unread = count.data?.count ?? 0;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  return (
    <Page
      title="Notifications"
      actions={
        <button
          type="button"
          className="btn"
          disabled={unread === 0 && !busy}
          aria-disabled={busy || undefined}
          onClick={async () => {
            if (busy) return;
            setBusy(true);
            setError(null);
            setDone(null);
            try {
              const n = await markAllRead(qc);
              // This button is disabled now: put focus on the page's heading.
              document.querySelector<HTMLElement>("main h1")?.focus();
              setDone(n === 1 ? "1 notification marked as read." : `${n} notifications marked as read.`);
            } catch (e) {
              setError(e);
            } finally {
              setBusy(false);
            }
          }}
        >
          Mark all as read
        </button>
      }
    >
      <p className="meta" aria-live="polite">
        {count.data ? (unread > 0 ? `${unread} unread` : "All caught up.") : ""}
      </p>
      {done ? <SuccessNotice>{done}</SuccessNotice> : null}
      <ErrorNotice error={error} />
      {list.isLoading ? <Loading /> : null}
      <ErrorNotice error={list.error} retry={() => void list.refetch()} />
      {!list.isLoading && !list.error && list.items.length === 0 ? (
        <p>You have no notifications yet. You will hear here when a module is assigned to you.</p>
      ) : null}
      {list.items.length > 0 ? (
        <ul className="notif-list notif-list-page">
          {list.items.map((n) => (
            <NotificationItem key={n.id} n={n} />
          ))}
        </ul>
      ) : null}
      <LoadMore list={list} />
    </Page>
  );
}
