// A content screen's body (Markdown, API.md §6.3) as React elements: paragraphs, headings, lists,
// block quotes, **bold**, *italic*, `code` and http(s) links. Everything is text to React; nothing
// is ever parsed as HTML (no dangerouslySetInnerHTML), so a body cannot inject markup or script.
import type { ReactNode } from "react";

type Block =
  | { kind: "heading"; level: number; text: string }
  | { kind: "paragraph"; text: string }
  | { kind: "quote"; text: string }
  | { kind: "list"; ordered: boolean; items: string[] };

const headingRe = /^(#{1,6})\s+(.*)$/;
const bulletRe = /^\s*[-*+]\s+(.*)$/;
const orderedRe = /^\s*\d+[.)]\s+(.*)$/;

export function parseBlocks(src: string): Block[] {
  const blocks: Block[] = [];
  const lines = src.replace(/\r\n?/g, "\n").split("\n");
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? "";
    if (!line.trim()) {
      i++;
      continue;
    }
    const h = headingRe.exec(line);
    if (h) {
      blocks.push({ kind: "heading", level: h[1]!.length, text: h[2]!.replace(/\s+#+\s*$/, "") });
      i++;
      continue;
    }
    if (line.startsWith(">")) {
      const parts: string[] = [];
      while (i < lines.length && (lines[i] ?? "").startsWith(">")) parts.push((lines[i++] ?? "").replace(/^>\s?/, ""));
      blocks.push({ kind: "quote", text: parts.join(" ") });
      continue;
    }
    const ordered = orderedRe.test(line);
    if (ordered || bulletRe.test(line)) {
      const re = ordered ? orderedRe : bulletRe;
      const items: string[] = [];
      while (i < lines.length) {
        const l = lines[i] ?? "";
        const m = re.exec(l);
        if (m) items.push(m[1]!);
        else if (l.trim() && /^\s{2,}/.test(l) && items.length) items[items.length - 1] += " " + l.trim();
        else break;
        i++;
      }
      blocks.push({ kind: "list", ordered, items });
      continue;
    }
    const parts: string[] = [];
    while (i < lines.length) {
      const l = lines[i] ?? "";
      if (!l.trim() || headingRe.test(l) || l.startsWith(">") || bulletRe.test(l) || orderedRe.test(l)) break;
      parts.push(l.trim());
      i++;
    }
    blocks.push({ kind: "paragraph", text: parts.join(" ") });
  }
  return blocks;
}

const inlineRe = /\*\*(.+?)\*\*|__(.+?)__|\*(.+?)\*|_(.+?)_|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\)/g;

/* Inline emphasis, code and links; any other character stays plain text. */
export function inline(text: string, keyPrefix = "i"): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  let n = 0;
  for (const m of text.matchAll(inlineRe)) {
    const at = m.index ?? 0;
    if (at > last) out.push(text.slice(last, at));
    const key = `${keyPrefix}-${n++}`;
    if (m[1] ?? m[2]) out.push(<strong key={key}>{inline((m[1] ?? m[2])!, key)}</strong>);
    else if (m[3] ?? m[4]) out.push(<em key={key}>{inline((m[3] ?? m[4])!, key)}</em>);
    else if (m[5]) out.push(<code key={key}>{m[5]}</code>);
    else if (m[6] && m[7]) {
      const href = m[7];
      out.push(
        /^https?:\/\//i.test(href) ? (
          <a key={key} href={href} rel="noopener noreferrer" target="_blank">
            {inline(m[6], key)}
            <span className="visually-hidden"> (opens in a new tab)</span>
          </a>
        ) : (
          m[6]
        ),
      );
    }
    last = at + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/*
 * `baseLevel`: the HTML level of a Markdown "#" heading, so the body's headings sit under the
 * screen's own heading. A first heading that repeats `title` is left out (the screen shows it).
 */
export function Markdown({ source, baseLevel = 3, title }: { source: string; baseLevel?: number; title?: string }) {
  let blocks = parseBlocks(source);
  const first = blocks[0];
  if (first && first.kind === "heading" && title && first.text.trim() === title.trim()) blocks = blocks.slice(1);
  const minLevel = Math.min(...blocks.filter((b) => b.kind === "heading").map((b) => (b as { level: number }).level), 6);
  return (
    <div className="md">
      {blocks.map((b, i) => {
        const key = `b${i}`;
        switch (b.kind) {
          case "heading": {
            const level = Math.min(6, baseLevel + (b.level - minLevel));
            const H = `h${level}` as "h3";
            return <H key={key}>{inline(b.text, key)}</H>;
          }
          case "quote":
            return (
              <blockquote key={key}>
                <p>{inline(b.text, key)}</p>
              </blockquote>
            );
          case "list": {
            const L = b.ordered ? "ol" : "ul";
            return (
              <L key={key}>
                {b.items.map((it, j) => (
                  <li key={j}>{inline(it, `${key}-${j}`)}</li>
                ))}
              </L>
            );
          }
          default:
            return <p key={key}>{inline(b.text, key)}</p>;
        }
      })}
    </div>
  );
}
