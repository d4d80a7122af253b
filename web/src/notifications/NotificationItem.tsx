// One notification as a list item: what happened in words (the server's title and body), when,
// whether it is unread, a link to the module it is about, and "Mark as read".
import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { Link } from "react-router-dom";
import { errorMessage } from "../components/Status";
import { formatDateTime } from "../components/format";
import { markRead, notificationLink, type Notification } from "./cache";

/* The server's words with typographic quotes: "Fire safety" → “Fire safety”. */
function pretty(text: string): string {
  return text.replace(/"([^"]+)"/g, "\u201c$1\u201d");
}

export function NotificationItem({ n, onNavigate }: { n: Notification; onNavigate?: () => void }) {
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const link = notificationLink(n);
  const item = useRef<HTMLLIElement>(null);

  return (
    <li ref={item} tabIndex={-1} className={`notif-item${n.read ? "" : " notif-unread"}`}>
      <p className="notif-text">
        {n.read ? null : <span className="visually-hidden">Unread: </span>}
        <strong>{n.title}</strong> — {pretty(n.body)}
      </p>
      <p className="meta">
        <time dateTime={n.created_at}>{formatDateTime(n.created_at)}</time>
      </p>
      <div className="notif-actions">
        {link ? (
          <Link to={link.to} onClick={onNavigate}>
            {link.label}
            <span className="visually-hidden">: {pretty(n.body)}</span>
          </Link>
        ) : null}
        {n.read ? (
          <span className="meta">Read</span>
        ) : (
          <button
            type="button"
            className="btn btn-small"
            aria-disabled={busy || undefined}
            onClick={async () => {
              if (busy) return;
              setBusy(true);
              setError(null);
              try {
                await markRead(qc, n.id);
                // The button is gone: keep the keyboard user's place on the item.
                item.current?.focus();
              } catch (e) {
                setError(errorMessage(e));
              } finally {
                setBusy(false);
              }
            }}
          >
            Mark as read<span className="visually-hidden">: {n.title}</span>
          </button>
        )}
      </div>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}
