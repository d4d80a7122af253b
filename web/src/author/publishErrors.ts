// API.md §7: a publish 422 lists items whose loc starts with "module". They are sorted here into
// module-level errors ("screens", "settings.start_screen_id") and per-screen errors keyed by the
// screen's id (the loc's index is the screen's 0-based position order at publish time) and by the
// field path inside the screen ("" for the screen itself, "next_screen_id",
// "content.choices.1.next_screen_id").
import type { Screen } from "../api/client";
import type { ValidationItem } from "../api/client";

export interface PublishIssue {
  key: string;
  message: string;
  /* The id of the element the summary link moves focus to. */
  targetId: string;
  /* The screen concerned, if any (its editor is opened before focusing). */
  screenId: string | null;
  /* Where, in words: "Start screen", "Screen 2 “Choose”: choice 1's target". */
  where: string;
}

export interface PublishErrors {
  module: Record<string, string[]>;
  screens: Record<string, Record<string, string[]>>;
  issues: PublishIssue[];
}

export const START_SCREEN_FIELD_ID = "module-start-screen";
export const SCREENS_HEADING_ID = "screens-heading";

export function screenAnchorId(screenId: string): string {
  return `screen-${screenId}`;
}
export function screenFieldId(screenId: string, path: string): string {
  return path ? `screen-${screenId}-${path.replace(/\./g, "-")}` : screenAnchorId(screenId);
}

function push<T extends Record<string, string[]>>(map: T, key: string, msg: string) {
  (map[key as keyof T] ??= [] as never).push(msg);
}

function fieldWords(path: string): string {
  if (path === "") return "";
  if (path === "next_screen_id") return "next screen";
  const m = /^content\.choices\.(\d+)\.next_screen_id$/.exec(path);
  if (m) return `choice ${Number(m[1]) + 1} leads to`;
  return path.replace(/^content\./, "").replace(/\./g, " ");
}

export function parsePublishErrors(items: ValidationItem[], screens: Screen[]): PublishErrors {
  const ordered = [...screens].sort((a, b) => a.position - b.position);
  const out: PublishErrors = { module: {}, screens: {}, issues: [] };
  items.forEach((item, n) => {
    const loc = item.loc[0] === "module" ? item.loc.slice(1) : item.loc;
    if (loc[0] === "screens" && typeof loc[1] === "number") {
      const screen = ordered[loc[1]];
      const path = loc.slice(2).join(".");
      if (!screen) {
        push(out.module, "screens", item.msg);
        out.issues.push({ key: `i${n}`, message: item.msg, targetId: SCREENS_HEADING_ID, screenId: null, where: "Screens" });
        return;
      }
      const per = (out.screens[screen.id] ??= {});
      push(per, path, item.msg);
      const words = fieldWords(path);
      out.issues.push({
        key: `i${n}`,
        message: item.msg,
        targetId: screenFieldId(screen.id, path),
        screenId: screen.id,
        where: `Screen ${screen.position} “${screen.title}”${words ? `: ${words}` : ""}`,
      });
      return;
    }
    const path = loc.join(".");
    push(out.module, path, item.msg);
    out.issues.push({
      key: `i${n}`,
      message: item.msg,
      targetId: path === "settings.start_screen_id" ? START_SCREEN_FIELD_ID : SCREENS_HEADING_ID,
      screenId: null,
      where: path === "settings.start_screen_id" ? "Start screen" : "Screens",
    });
  });
  return out;
}
