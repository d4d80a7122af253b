// A page: sets the document title and renders the one <h1>, which takes focus when the page is
// reached by navigation so that screen readers announce it.
import { useEffect, useRef, type ReactNode } from "react";

export function Page({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · TrainSmart`;
  }, [title]);
  useEffect(() => {
    // Only after an in-app navigation, not on the first load (the page's own focus order wins).
    if (document.activeElement && document.activeElement !== document.body) heading.current?.focus();
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
