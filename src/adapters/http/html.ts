import { createHash } from 'node:crypto';

/**
 * Server-rendered pages for people (install results, the stub's meeting page). Everything shown is
 * escaped through `html`; a page needs no script and loads nothing from elsewhere.
 */

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Markup that is already safe; only `html` and `page` make one. */
export class SafeHtml {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

type Interpolated = string | number | SafeHtml | readonly SafeHtml[] | undefined;

/** A template tag that escapes every interpolated value unless it is already `SafeHtml`. */
export function html(strings: TemplateStringsArray, ...values: Interpolated[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

function render(value: Interpolated): string {
  if (value === undefined) return '';
  if (value instanceof SafeHtml) return value.markup;
  if (Array.isArray(value)) return value.map((v: SafeHtml) => v.markup).join('');
  return escapeHtml(String(value));
}

const STYLE = `
  :root { color-scheme: light dark; --fg: #1b1d21; --bg: #f7f7f9; --card: #fff; --muted: #5b6170; --accent: #0b6e4f; }
  @media (prefers-color-scheme: dark) { :root { --fg: #e8e9ed; --bg: #16181c; --card: #22252b; --muted: #a3a9b6; --accent: #4cc38a; } }
  body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
  main { max-width: 36rem; margin: 3rem auto; padding: 2rem; background: var(--card); border-radius: 12px; }
  h1 { font-size: 1.5rem; margin-top: 0; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
  dt { color: var(--muted); }
  .note { color: var(--muted); font-size: .9rem; }
  a { color: var(--accent); }
`;

/** The hash that lets the Content-Security-Policy allow exactly this stylesheet and no other. */
export const PAGE_STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

/** A whole page: language, title, the shared look. */
export function page(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`.markup;
}
