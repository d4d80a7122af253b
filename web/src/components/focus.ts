// Where the keyboard focus goes after a form's action failed: the first field the server marked
// (aria-invalid), else the error's alert, so nobody is left on a button that did nothing
// visible or on <body>.
import { useEffect, type RefObject } from "react";

export function useFocusOnError(container: RefObject<HTMLElement | null>, error: unknown): void {
  useEffect(() => {
    if (!error || !container.current) return;
    const target =
      container.current.querySelector<HTMLElement>('[aria-invalid="true"]') ??
      container.current.querySelector<HTMLElement>('[role="alert"]');
    if (!target) return;
    if (target.getAttribute("role") === "alert" && !target.hasAttribute("tabindex")) target.tabIndex = -1;
    target.focus();
  }, [container, error]);
}
