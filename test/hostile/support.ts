import { expect } from 'chai';
import fc from 'fast-check';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect } from 'node:net';
import { once } from 'node:events';
import { pino } from 'pino';

import { vendorPlugins } from '../../src/adapters/vendors/registry.js';
import type { VendorPlugin } from '../../src/adapters/vendors/vendor-plugin.js';
import type { Env } from '../../src/infrastructure/config.js';
import { createLogger } from '../../src/infrastructure/logger.js';
import { type RunningService, startService } from '../../src/infrastructure/server.js';
import { testConfig } from '../support/service.js';

/**
 * Hostile input against REAL listening servers: node's HTTP parser, our header limit and our
 * answers to what the parser refuses are part of what is tested, which `app.callback()` skips.
 */

/** fast-check's settings for every property here: a replayable seed, a modest number of runs. */
export function propertySettings(numRuns: number): fc.Parameters<unknown> {
  const seed = process.env['FC_SEED'];
  const path = process.env['FC_PATH'];
  return {
    numRuns: Number(process.env['FC_RUNS'] ?? numRuns),
    ...(seed === undefined ? {} : { seed: Number(seed) }),
    ...(path === undefined ? {} : { path }),
    // A failing run prints its seed and path: FC_SEED=<seed> FC_PATH=<path> replays exactly it.
    verbose: 0,
  };
}

/** Pipedrive's OAuth server as a loopback fake that refuses every code, so installs end in a page. */
export async function refusingPipedrive(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(req.url === '/oauth/token' ? 400 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'invalid_grant', error_description: 'code is invalid or expired' }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return { url: `http://127.0.0.1:${address.port}`, close: () => closeServer(server) };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export interface HostileServer {
  readonly port: number;
  readonly service: RunningService;
  stop(): Promise<void>;
}

/** The service as `main.ts` starts it (server.ts), on a free port, in-process store. */
export async function startHostileServer(
  env: Env,
  options: { plugins?: readonly VendorPlugin[]; logLines?: string[] } = {},
): Promise<HostileServer> {
  const config = { ...testConfig(env, [...vendorPlugins, ...(options.plugins ?? [])]), port: 0 };
  const lines = options.logLines;
  const logger =
    lines === undefined ? pino({ level: 'silent' }) : createLogger('debug', { write: (line: string) => void lines.push(line) });
  const service = await startService(config, logger);
  return { port: service.port, service, stop: () => service.stop() };
}

export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  text(): string;
}

export interface HostileRequest {
  readonly method: string;
  readonly path: string;
  /** Raw header pairs, in order, duplicates kept; no Host is added unless given. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body?: Buffer;
}

/**
 * One well-framed request on its own connection, written as bytes (headers as Latin-1, in order,
 * duplicates kept; a body without a Content-Length goes chunked). Not node's HTTP client: nock,
 * loaded by other suites in the same run, wraps that client and chokes on hostile requests.
 */
export async function send(port: number, req: HostileRequest): Promise<Answer> {
  const declared = req.headers.some(([name]) => name.toLowerCase() === 'content-length');
  const chunked = req.body !== undefined && !declared;
  const head = [
    `${req.method} ${req.path} HTTP/1.1`,
    ...req.headers.map(([name, value]) => `${name}: ${value}`),
    ...(chunked ? ['Transfer-Encoding: chunked'] : []),
    'Connection: close',
  ].join('\r\n');
  const body = req.body ?? Buffer.alloc(0);
  const lastChunk = Buffer.from('0\r\n\r\n');
  const framed = !chunked
    ? body
    : body.length === 0
      ? lastChunk
      : Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n'), lastChunk]);
  // Complete and `Connection: close`: the server ends the connection once it has answered.
  const answer = await exchange(port, Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), framed]), Infinity);
  if (answer === undefined) throw new Error(`no answer to ${req.method} ${req.path.slice(0, 80)}`);
  return answer;
}

/**
 * Raw bytes to the port; the answer as sent, parsed just enough to judge it (Content-Length
 * framing). The connection is left open for writing: node aborts a request whose client
 * half-closes before the answer is ready. If nothing comes back within `endAfterMs`, the client
 * half-closes, which is how an incomplete request (a body shorter than announced) gets its answer.
 */
export function exchange(port: number, bytes: Buffer | string, endAfterMs = 300): Promise<Answer | undefined> {
  const head = Buffer.from(bytes.slice(0, 5)).toString('latin1') === 'HEAD ';
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const ending = Number.isFinite(endAfterMs) ? setTimeout(() => socket.end(), endAfterMs) : undefined;
    let settled = false;
    const settle = (answer: Answer | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(ending);
      socket.destroy();
      resolve(answer);
    };
    socket.on('data', (chunk: Buffer) => {
      clearTimeout(ending);
      chunks.push(chunk);
      // A keep-alive answer leaves the connection open: done as soon as the answer is whole.
      const answer = parseAnswer(Buffer.concat(chunks), head);
      if (answer?.complete === true) settle(answer);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // The server may close while we still write (it refused early): what it wrote still counts.
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    socket.on('close', () => settle(parseAnswer(Buffer.concat(chunks), head)));
    socket.setTimeout(5_000, () => socket.destroy());
    socket.write(bytes);
  });
}

function parseAnswer(raw: Buffer, head: boolean): (Answer & { complete: boolean }) | undefined {
  // Interim answers (100 Continue) come first; the final one is what counts.
  while (/^HTTP\/1\.[01] 1\d\d /.test(raw.subarray(0, 13).toString('latin1'))) {
    const interimEnd = raw.indexOf('\r\n\r\n');
    if (interimEnd < 0) return undefined;
    raw = raw.subarray(interimEnd + 4);
  }
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine = '', ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3}) /.exec(statusLine);
  if (match === null) throw new Error(`not an HTTP answer: ${JSON.stringify(statusLine)}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = head || headers['content-length'] === undefined ? 0 : Number(headers['content-length']);
  const rest = raw.subarray(end + 4);
  const body = rest.subarray(0, length);
  // Our answers are never chunked: without a length there is no body.
  const complete = rest.length >= length;
  return { status: Number(match[1]), headers, body, text: () => body.toString('utf8'), complete };
}

// ---------------------------------------------------------------------------------------------
// What every answer must be.

/** The security headers every answer carries, whatever produced it. */
export function expectSecurityHeaders(answer: Answer, what: string): void {
  const h = answer.headers;
  const csp = String(h['content-security-policy'] ?? '');
  expect(csp, `${what}: CSP`).to.contain("default-src 'none'").and.contain("frame-ancestors 'none'");
  expect(csp, `${what}: CSP`).not.to.contain('unsafe-inline');
  expect(h['x-content-type-options'], `${what}: nosniff`).to.equal('nosniff');
  expect(h['x-frame-options'], `${what}: X-Frame-Options`).to.equal('DENY');
  expect(h['referrer-policy'], `${what}: Referrer-Policy`).to.equal('no-referrer');
  expect(h['cache-control'], `${what}: Cache-Control`).to.equal('no-store');
  expect(h['x-powered-by'], `${what}: X-Powered-By`).to.equal(undefined);
}

/** `{success:false, error:{code, message}}`: exactly these keys, a stable upper-case code, a message. */
export function expectErrorShape(answer: Answer, what: string): void {
  expect(answer.headers['content-type'], `${what}: content type of ${answer.status}`).to.match(/^application\/json; charset=utf-8$/);
  const body = JSON.parse(answer.text()) as Record<string, unknown>;
  expect(Object.keys(body).sort(), `${what}: keys`).to.deep.equal(['error', 'success']);
  expect(body['success'], what).to.equal(false);
  const error = body['error'] as Record<string, unknown>;
  expect(Object.keys(error).sort(), `${what}: error keys`).to.deep.equal(['code', 'message']);
  expect(error['code'], `${what}: code`).to.be.a('string').and.match(/^[A-Z][A-Z0-9_]{2,40}$/);
  expect(error['message'], `${what}: message`).to.be.a('string').and.not.equal('');
  expect(String(error['message']), `${what}: no stack trace`).not.to.match(/\n\s+at |node_modules|\.ts:\d+/);
}

/**
 * The JSON families (reverse API, uninstall, health, manifest, webhooks, anything unknown): never a
 * 5xx, never HTML; an error is the contract's shape; a success is JSON or has no body.
 */
export function expectApiAnswer(answer: Answer, method: string, what: string): void {
  expect(answer.status, `${what}: status`).to.be.within(200, 499);
  expectSecurityHeaders(answer, what);
  expect(String(answer.headers['content-type'] ?? ''), `${what}: never HTML`).not.to.match(/html/i);
  if (method === 'HEAD') return;
  if (answer.status >= 400) {
    expectErrorShape(answer, what);
  } else if (answer.body.length > 0 && /^\S+ \/metrics(?:[?#]|$)/.test(what)) {
    // Prometheus' text format, the one success that is not JSON.
    expect(answer.headers['content-type'], `${what}: content type`).to.match(/^text\/plain/);
  } else if (answer.body.length > 0) {
    expect(answer.headers['content-type'], `${what}: content type`).to.match(/^application\/json/);
    JSON.parse(answer.text());
  }
}

/** Tags our pages are made of; an injected one would be anything else. */
const PAGE_TAGS = new Set([
  'html', 'head', 'meta', 'title', 'style', 'body', 'main', 'h1', 'h2', 'p', 'code', 'strong', 'em',
  'dl', 'dt', 'dd', 'a', 'form', 'input', 'label', 'button', 'ul', 'li', 'small', 'span', 'div', 'br',
]);

/** A marker the generators put into input: seen verbatim in a page, the input went out unescaped. */
export const INJECTION = '"\'><zq-x/onload=1>';
export const INJECTION_TAG = '<zq-x';

/**
 * The page families (install, vendor callback and key form, stub and Jitsi meeting pages): never a
 * 5xx; an HTML page (or a redirect, or a JSON error for a wrong method) whose markup is ours only.
 */
export function expectPageAnswer(answer: Answer, method: string, what: string): void {
  expect(answer.status, `${what}: status`).to.be.within(200, 499);
  expectSecurityHeaders(answer, what);
  if (method === 'HEAD' || answer.body.length === 0) return;
  const type = String(answer.headers['content-type'] ?? '');
  if (/^application\/json/.test(type)) {
    if (answer.status >= 400) expectErrorShape(answer, what);
    return;
  }
  if (answer.status >= 300 && answer.status < 400) {
    expect(answer.headers['location'], `${what}: redirect target`).to.be.a('string');
  } else {
    expect(type, `${what}: content type`).to.match(/^text\/html; charset=utf-8$/);
    expect(answer.text(), `${what}: a whole page`).to.match(/^<!doctype html>\n<html lang="en">/);
  }
  const text = answer.text();
  expect(text, `${what}: reflected input unescaped`).not.to.contain(INJECTION_TAG);
  for (const [, tag] of text.matchAll(/<\/?([a-zA-Z][\w-]*)/g)) {
    expect(PAGE_TAGS.has(tag!.toLowerCase()), `${what}: unexpected <${tag}> in the page`).to.equal(true);
  }
  expect(text, `${what}: no script`).not.to.match(/<script|javascript:|\son\w+=/i);
}

/** Which family a request belongs to, by what it asked for (the router ignores case in paths). */
export function isPageRequest(method: string, target: string): boolean {
  const path = target.split('?')[0]!;
  if (/^\/(stub\/meetings|j)\//i.test(path)) return true;
  return /^\/oauth\//i.test(path) && method !== 'DELETE';
}

/** Nothing a body said has reached Object.prototype. */
export function expectNoPollution(): void {
  const probe = {} as Record<string, unknown>;
  expect(probe['polluted'], 'Object.prototype polluted').to.equal(undefined);
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).to.deep.equal(PROTOTYPE_KEYS);
}
const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();
