// A page: sets the document title and renders the one <h1>, which takes focus when the page is
// reached by navigation so that screen readers announce it.
import { useEffect, useRef, type ReactNode } from "react";

let firstPage = true;

export function Page({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · TrainSmart`;
  }, [title]);
  useEffect(() => {
    // After an in-app navigation the new page's heading takes focus, so a screen reader announces
    // it and Tab continues from the top of the page (the link that was clicked is often gone with
    // the old page). Not on the first page of a load: the browser's own focus order wins there.
    if (firstPage) firstPage = false;
    else heading.current?.focus();
  }, []);
  return (
    <>
      <div className="page-head">
        <h1 ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </div>
      {children}
    </>
  );
}
