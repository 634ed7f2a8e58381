import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import type { AxeResults, Result as AxeViolation } from 'axe-core';
import { expect } from 'chai';
import { type Browser, type BrowserContext, chromium, type Page, type Response } from 'playwright-core';

/**
 * Debian's Chromium, driven by playwright-core, for the browser suite. `scripts/ensure-chromium.sh`
 * (run by `npm test`) installs it; a missing browser fails the suite with that script's advice
 * rather than skipping it.
 */

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox', // CI runs as root, where Chromium's sandbox cannot start
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** Playwright gives each launch a fresh, temporary profile (its own --user-data-dir), removed on close. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: run 'bash scripts/ensure-chromium.sh' (as root it installs Debian's chromium), ` +
        'or set CHROMIUM_PATH to a Chromium binary',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS, timeout: 30_000 });
}

/** Where screenshots go: `test-artifacts/browser/` at the repository root (gitignored). */
export const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/browser/', import.meta.url));

export interface Tab {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors and page errors seen so far: a CSP refusal shows up here. */
  readonly problems: string[];
  /** The last document response of the main frame that was not a redirect. */
  lastDocument(): Response | undefined;
  /** Every URL the main frame was sent to, redirects included, in order. */
  readonly visited: string[];
  close(): Promise<void>;
}

/** A fresh context (no cookies, no cache) and one page in it; JavaScript can be turned off. */
export async function openTab(browser: Browser, options: { javaScript?: boolean } = {}): Promise<Tab> {
  const context = await browser.newContext({ javaScriptEnabled: options.javaScript ?? true, viewport: { width: 900, height: 700 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.setDefaultNavigationTimeout(15_000);
  const problems: string[] = [];
  const visited: string[] = [];
  let last: Response | undefined;
  page.on('console', (message) => {
    if (message.type() !== 'error' && message.type() !== 'warning') return;
    // An error page's own status is expected (and checked), and the browser's favicon probe is not a page's doing.
    const source = message.location().url;
    if (message.text().startsWith('Failed to load resource') && (source === page.url() || source.endsWith('/favicon.ico'))) return;
    problems.push(`console ${message.type()}: ${message.text()} (${source})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) visited.push(request.url());
  });
  page.on('response', (response) => {
    const request = response.request();
    if (request.isNavigationRequest() && request.frame() === page.mainFrame() && (response.status() < 300 || response.status() >= 400)) {
      last = response;
    }
  });
  return {
    context,
    page,
    problems,
    visited,
    lastDocument: () => last,
    close: () => context.close(),
  };
}

/**
 * Runs `action` (a click, a goto) and waits until the main frame has committed a NEW document at a
 * URL matching `where` and loaded it. A navigation the browser refuses (say, a form redirect the CSP
 * forbids) leaves the old document in place, and this fails saying where the browser still is.
 */
export async function navigate(tab: Tab, action: () => Promise<unknown>, where: (url: URL) => boolean): Promise<Response> {
  const { page } = tab;
  const committed = page.waitForEvent('framenavigated', {
    predicate: (frame) => frame === page.mainFrame() && where(new URL(frame.url())),
    timeout: 10_000,
  });
  try {
    await Promise.all([committed, action()]);
  } catch (error) {
    throw new Error(`the expected page did not load; the browser is at ${page.url()} (${tab.problems.join('; ')})`, { cause: error });
  }
  await page.waitForLoadState('load');
  const response = tab.lastDocument();
  if (response === undefined) throw new Error(`no document loaded for ${page.url()}`);
  return response;
}

export function screenshot(tab: Tab, name: string): Promise<Buffer> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return tab.page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

type StyleWindow = { getComputedStyle(element: unknown): { borderTopWidth: string } };
type AxeWindow = { axe: { run(context: unknown, options: unknown): Promise<AxeResults> } };

/**
 * axe-core over the page as it is now, in both colour schemes (the pages have a dark palette too).
 * The script goes in through the DevTools protocol, so the page's CSP (which allows no script)
 * stays as served.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.evaluate(AXE_SOURCE);
    const results = await page.evaluate(() =>
      (globalThis as unknown as AxeWindow).axe.run('html', { resultTypes: ['violations'] }),
    );
    found.push(...results.violations.filter(seriousOrWorse).map((v) => `${colorScheme}: ${describe(v)}`));
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return found;
}

const seriousOrWorse = (violation: AxeViolation): boolean => violation.impact === 'serious' || violation.impact === 'critical';

const describe = (violation: AxeViolation): string =>
  `${violation.impact ?? ''} ${violation.id} (${violation.help}) at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`;

export interface PageExpectations {
  readonly status: number;
  /** The page's one heading, or a part of it. */
  readonly heading: string | RegExp;
}

/**
 * Everything one of OUR pages must be, checked in the browser as a person gets it: the status, the
 * security headers, a language, a title, one heading, no script at all, the stylesheet applied (the
 * CSP lets it through by its hash: a changed stylesheet with a stale hash leaves the page unstyled and
 * logs a refusal), no console errors, no serious or critical axe violation in light or dark; then a
 * screenshot named `name`.
 */
export async function expectOurPage(tab: Tab, name: string, expected: PageExpectations): Promise<void> {
  const { page } = tab;
  const response = tab.lastDocument();
  expect(response, `no document for ${name}`).not.to.equal(undefined);
  expect(response!.status(), `${name}: status of ${response!.url()}`).to.equal(expected.status);
  const headers = response!.headers();
  expect(headers['content-type'], `${name}: content type`).to.match(/^text\/html; charset=utf-8/);
  const csp = headers['content-security-policy'] ?? '';
  expect(csp, `${name}: CSP`).to.contain("default-src 'none'").and.contain("frame-ancestors 'none'").and.contain("form-action 'self'");
  expect(csp, `${name}: CSP`).to.match(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
  expect(csp, `${name}: CSP`).not.to.match(/unsafe-inline|script-src/);
  expect(headers['x-content-type-options'], `${name}: nosniff`).to.equal('nosniff');
  expect(headers['referrer-policy'], `${name}: referrer policy`).to.equal('no-referrer');
  expect(headers['x-frame-options'], `${name}: frame options`).to.equal('DENY'); // as the CSP's frame-ancestors 'none'
  expect(headers['cache-control'], `${name}: cache control`).to.equal('no-store');

  expect(await page.locator('html').getAttribute('lang'), `${name}: lang`).to.equal('en');
  expect((await page.title()).trim(), `${name}: title`).not.to.equal('');
  await expectText(page, 'h1', expected.heading, name);
  expect(await page.locator('h1').count(), `${name}: one h1`).to.equal(1);
  expect(await page.locator('main').count(), `${name}: one main`).to.equal(1);
  expect(await page.locator('script').count(), `${name}: scripts`).to.equal(0);
  // The stylesheet ran: only it gives <main> a 6px top border.
  const border = await page
    .locator('main')
    .evaluate((main) => (globalThis as unknown as StyleWindow).getComputedStyle(main).borderTopWidth);
  expect(border, `${name}: the page stylesheet is applied (CSP hash matches)`).to.equal('6px');
  expect(tab.problems, `${name}: console`).to.deep.equal([]);

  expect(await accessibilityViolations(page), `${name}: axe-core violations`).to.deep.equal([]);
  await screenshot(tab, name);
}

async function expectText(page: Page, selector: string, expected: string | RegExp, name: string): Promise<void> {
  const text = (await page.locator(selector).first().textContent()) ?? '';
  if (typeof expected === 'string') expect(text, `${name}: ${selector}`).to.contain(expected);
  else expect(text, `${name}: ${selector}`).to.match(expected);
}
