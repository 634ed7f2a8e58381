import { createHash } from 'node:crypto';

/**
 * Server-rendered pages for people: the install flow's results, the vendor-key form, the stub's
 * meeting page, Jitsi's join link. One look for all of them, in one inline stylesheet that the
 * Content-Security-Policy allows by its hash. Everything shown is escaped through `html`; a page
 * runs no script (the CSP allows none) and loads nothing from elsewhere, so it works the same with
 * JavaScript off and tracks nobody.
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

// Colours meet WCAG AA contrast (4.5:1 for text, 3:1 for borders and focus rings) in both schemes;
// the browser suite checks the pages with axe-core in light and in dark.
const STYLE = `
  :root { color-scheme: light dark; --fg: #1b1d21; --bg: #eef0f3; --card: #fff; --muted: #4f5563; --line: #767c89;
    --accent: #0a6b4d; --on-accent: #fff; --problem: #b3261e; --info: #3a5bb8; --focus: #1f5fd1; }
  @media (prefers-color-scheme: dark) { :root { --fg: #e8e9ed; --bg: #16181c; --card: #23262c; --muted: #b3b9c5;
    --line: #8c929e; --accent: #5fd39b; --on-accent: #0b1f16; --problem: #ff8a80; --info: #9db7ff; --focus: #9db7ff; } }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
  main { max-width: 38rem; margin: 3rem auto; padding: 2rem; background: var(--card); border-radius: 12px;
    border-top: 6px solid var(--tone, var(--info)); }
  main.success { --tone: var(--accent); } main.problem { --tone: var(--problem); } main.info { --tone: var(--info); }
  h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 1rem; }
  h2 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
  p, ol, ul, dl { margin: 0 0 1rem; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
  dt { color: var(--muted); } dd { margin: 0; }
  a { color: var(--accent); text-underline-offset: .15em; }
  code { font: .9em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
  .note, .reference { color: var(--muted); font-size: .9rem; }
  .reference { border-top: 1px solid var(--line); padding-top: .75rem; margin-top: 1.5rem; margin-bottom: 0; }
  .actions { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; }
  .button, button { display: inline-block; padding: .6rem 1.2rem; border: 0; border-radius: 8px; font: inherit; font-weight: 600;
    color: var(--on-accent); background: var(--accent); text-decoration: none; cursor: pointer; }
  label { display: block; font-weight: 600; margin-bottom: .25rem; }
  input[type=text], input[type=password] { width: 100%; padding: .55rem .7rem; font: inherit; color: var(--fg);
    background: var(--card); border: 1px solid var(--line); border-radius: 6px; }
  input[aria-invalid=true] { border: 2px solid var(--problem); }
  .field { margin-bottom: 1.25rem; }
  .field .note { margin: .25rem 0 0; }
  .field-error { color: var(--problem); font-weight: 600; margin: .25rem 0 0; }
  a:focus-visible, button:focus-visible, input:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
  @media (max-width: 40rem) { main { margin: 0; border-radius: 0; padding: 1.25rem; } }
`;

/** The hash that lets the Content-Security-Policy allow exactly this stylesheet and no other. */
export const PAGE_STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

/** How a page reads at a glance: done, something went wrong, or plain information. */
export type PageTone = 'success' | 'problem' | 'info';

export interface PageOptions {
  readonly tone?: PageTone;
}

/** A whole page: language, title, the shared look. The title should say what the heading says. */
export function page(title: string, body: SafeHtml, options: PageOptions = {}): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body>
<main class="${options.tone ?? 'info'}">
${body}
</main>
</body>
</html>
`.markup;
}

/** A link styled as the page's main action (a link, not a form: it needs no script and no CSP change). */
export function actionLink(href: string, label: string): SafeHtml {
  return html`<p class="actions"><a class="button" href="${href}">${label}</a></p>`;
}

/** The line that lets support find our log line for this request: the same id as `requestId` there. */
export function referenceLine(reference: string): SafeHtml {
  return html`<p class="reference">Reference: <code>${reference}</code>. If this keeps happening, quote it to the
app's support: it identifies this attempt in our logs.</p>`;
}
