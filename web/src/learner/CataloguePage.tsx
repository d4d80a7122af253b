// The catalogue (/app/modules): published modules, newest first (GET /modules, API.md §5), with a
// title search and a type filter that live in the address (?q=…&flow=…) so a reload or a shared
// link keeps them, and "Load more" for further pages.
import { useEffect, useId, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { api, call, type Module } from "../api/client";
import { flowLabel } from "../components/format";
import { Page } from "../components/Page";
import { useCursorList } from "../components/paging";
import { ErrorNotice, Loading } from "../components/Status";
import { LoadMore } from "../components/LoadMore";

type Flow = Module["flow_type"];
const flows: Flow[] = ["linear", "branching", "assessment"];
const PAGE_SIZE = 12;

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = window.setTimeout(() => setV(value), ms);
    return () => window.clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function CataloguePage() {
  const [params, setParams] = useSearchParams();
  const q = (params.get("q") ?? "").slice(0, 100);
  const flowParam = params.get("flow");
  const flow = flows.includes(flowParam as Flow) ? (flowParam as Flow) : undefined;
  const [text, setText] = useState(q);
  const debounced = useDebounced(text, 300);
  const searchId = useId();
  const flowId = useId();

  // Typing settles → the address (replace: typing is not a history of searches).
  useEffect(() => {
    const next = debounced.trim() ? debounced : "";
    if (next === q) return;
    setParams(
      (p) => {
        const out = new URLSearchParams(p);
        if (next) out.set("q", next);
        else out.delete("q");
        return out;
      },
      { replace: true },
    );
  }, [debounced]);

  // Back/forward to another search: the box follows the address.
  useEffect(() => {
    setText((t) => (t.trim() === q.trim() ? t : q));
  }, [q]);

  const term = q.trim() ? q : undefined;
  const list = useCursorList<Module>(["modules", "catalogue", term ?? "", flow ?? ""], (cursor) =>
    call(
      api.GET("/api/v1/modules", {
        params: { query: { status: "published", q: term, flow_type: flow, cursor, limit: PAGE_SIZE } },
      }),
    ),
  );

  function setFlow(value: string) {
    setParams(
      (p) => {
        const out = new URLSearchParams(p);
        if (value) out.set("flow", value);
        else out.delete("flow");
        return out;
      },
      { replace: true },
    );
  }

  const count = list.items.length;
  const summary = list.isLoading || list.error
    ? ""
    : count === 0
      ? term || flow
        ? "No modules match your search."
        : "No modules have been published yet."
      : `${count} module${count === 1 ? "" : "s"} shown${list.hasMore ? ", more available" : ""}${term ? ` for “${term}”` : ""}.`;

  return (
    <Page title="Modules">
      <form
          role="search"
          aria-label="Modules"
          className="catalogue-filters"
          onSubmit={(e) => {
            e.preventDefault();
            setText((t) => t); // the debounce applies it; Enter needs no extra request
          }}
        >
          <div className="field">
            <label htmlFor={searchId}>Search modules</label>
            <input
              id={searchId}
              type="search"
              value={text}
              maxLength={100}
              placeholder="Title contains…"
              onChange={(e) => setText(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={flowId}>Type</label>
            <select id={flowId} value={flow ?? ""} onChange={(e) => setFlow(e.target.value)}>
              <option value="">All types</option>
              {flows.map((f) => (
                <option key={f} value={f}>
                  {flowLabel[f]}
                </option>
              ))}
            </select>
          </div>
        </form>

      <p role="status" className="meta catalogue-count">
        {summary}
      </p>

      {list.isLoading ? (
        <Loading label="Loading modules…" />
      ) : list.error && count === 0 ? (
        <ErrorNotice error={list.error} retry={() => void list.refetch()} />
      ) : count === 0 ? (
        // What was found is said once, in the status line above (announced as it changes).
        term || flow ? (
          <div className="card empty-state">
            <button type="button" className="btn" onClick={() => { setText(""); setParams({}, { replace: true }); }}>
              Clear search
            </button>
          </div>
        ) : (
          <p className="card empty-state">Check back later.</p>
        )
      ) : (
        <>
          <ul className="card-list module-cards" aria-label="Modules">
            {list.items.map((m) => (
              <li key={m.id}>
                <h2 className="card-title">
                  <Link to={`/app/modules/${m.id}`}>{m.title}</Link>
                </h2>
                <p className="meta">
                  <span className="badge">{flowLabel[m.flow_type]}</span>{" "}
                  {m.screen_count} screen{m.screen_count === 1 ? "" : "s"} · by {m.author_name}
                </p>
                {m.description ? <p className="card-desc">{m.description}</p> : null}
              </li>
            ))}
          </ul>
          {list.error ? <ErrorNotice error={list.error} retry={() => list.loadMore()} /> : null}
          <LoadMore list={list} />
        </>
      )}
    </Page>
  );
}
