// /app/studio/modules/:moduleId/feedback — the summary (average, count per rating as bars) and
// the list of feedback (rating, comment, screen title, learner name, date), filterable by rating.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, call, type Module } from "../api/client";
import { SelectField } from "../components/fields";
import { formatDateTime } from "../components/format";
import { useCursorList } from "../components/paging";
import { ErrorNotice, Loading } from "../components/Status";
import { useScreens, useUserNames } from "./common";
import { ModuleShell } from "./ModuleShell";
import { LoadMore } from "../components/LoadMore";

export function FeedbackPage() {
  return <ModuleShell name="Feedback">{(m) => <FeedbackBody module={m} />}</ModuleShell>;
}

function Stars({ rating }: { rating: number }) {
  return (
    <span className="studio-stars" aria-label={`${rating} out of 5`} role="img">
      {"★".repeat(rating)}
      <span className="studio-stars-off">{"☆".repeat(Math.max(0, 5 - rating))}</span>
    </span>
  );
}

function FeedbackBody({ module }: { module: Module }) {
  const [rating, setRating] = useState("");
  const summary = useQuery({
    queryKey: ["module", module.id, "feedback-summary"],
    queryFn: () => call(api.GET("/api/v1/modules/{module_id}/feedback/summary", { params: { path: { module_id: module.id } } })),
  });
  const screens = useScreens(module.id);
  const list = useCursorList(["module", module.id, "feedback", rating], (cursor) =>
    call(
      api.GET("/api/v1/modules/{module_id}/feedback", {
        params: {
          path: { module_id: module.id },
          query: { ...(rating ? { rating: Number(rating) } : {}), ...(cursor ? { cursor } : {}), limit: 20 },
        },
      }),
    ),
  );
  const names = useUserNames(list.items.map((f) => f.user_id));
  const screenTitle = new Map((screens.data ?? []).map((s) => [s.id, s.title]));

  return (
    <>
      <section aria-labelledby="fb-summary-h">
        <h2 id="fb-summary-h">Summary</h2>
        {summary.isLoading ? (
          <Loading />
        ) : summary.error || !summary.data ? (
          <ErrorNotice error={summary.error} retry={() => void summary.refetch()} />
        ) : (
          <div className="card">
            <p>
              <strong>
                {summary.data.average_rating === null ? "No ratings yet" : `Average rating ${summary.data.average_rating.toFixed(2)} out of 5`}
              </strong>{" "}
              <span className="meta">
                from {summary.data.count} entr{summary.data.count === 1 ? "y" : "ies"}
              </span>
            </p>
            <table className="studio-dist">
              <caption className="visually-hidden">Number of entries per rating</caption>
              <thead className="visually-hidden">
                <tr>
                  <th scope="col">Rating</th>
                  <th scope="col">Entries</th>
                </tr>
              </thead>
              <tbody>
                {([5, 4, 3, 2, 1] as const).map((r) => {
                  const n = summary.data.distribution[r];
                  const max = Math.max(1, ...Object.values(summary.data.distribution));
                  return (
                    <tr key={r}>
                      <th scope="row">
                        {r} star{r === 1 ? "" : "s"}
                      </th>
                      <td>
                        <span className="studio-dist-bar">
                          <span className="studio-dist-fill" style={{ width: `${(100 * n) / max}%` }} />
                        </span>
                        <span className="studio-dist-n">{n}</span>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="fb-list-h">
        <h2 id="fb-list-h">Entries</h2>
        <div className="form-narrow">
          <SelectField
            label="Show ratings"
            value={rating}
            onChange={setRating}
            options={[
              { value: "", label: "All ratings" },
              ...[5, 4, 3, 2, 1].map((r) => ({ value: String(r), label: `${r} star${r === 1 ? "" : "s"} only` })),
            ]}
          />
        </div>
        {list.isLoading ? (
          <Loading label="Loading feedback…" />
        ) : list.error ? (
          <ErrorNotice error={list.error} retry={() => void list.refetch()} />
        ) : (
          <>
            <p className="meta" role="status">
              {list.items.length === 0 ? "No feedback yet." : `${list.items.length}${list.hasMore ? "+" : ""} shown`}
            </p>
            <ul className="plain-list">
              {list.items.map((f) => (
                <li key={f.id} className="studio-feedback">
                  <p>
                    <Stars rating={f.rating} /> <span className="meta">{formatDateTime(f.created_at)}</span>
                  </p>
                  {f.comment ? <p className="studio-comment">{f.comment}</p> : <p className="meta">No comment.</p>}
                  <p className="meta">
                    {names[f.user_id] ?? "A learner"}
                    {f.screen_id ? ` · on screen “${screenTitle.get(f.screen_id) ?? "a deleted screen"}”` : " · on the whole module"}
                  </p>
                </li>
              ))}
            </ul>
            <LoadMore list={list} />
          </>
        )}
      </section>
    </>
  );
}
