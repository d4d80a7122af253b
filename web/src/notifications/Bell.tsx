// The notification bell (live unread count over SSE). Written by the notifications work.
export function NotificationBell() {
  return null;
}
