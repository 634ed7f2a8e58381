/**
 * The processes a benchmark or soak drives: our deployment as production runs it (the built
 * `dist/`, one process of its own so the load generator never shares its event loop), and the bare
 * Koa server it is compared with. Also: when a process is ready, and how much memory it holds.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** What `npm run build` produces and the Dockerfile's CMD runs. */
export const BUILT_ENTRY = `${REPO_ROOT}dist/infrastructure/main.js`;
export const SOURCE_ENTRY = `${REPO_ROOT}src/infrastructure/main.ts`;
const BARE_KOA_ENTRY = fileURLToPath(new URL('./bare-koa.ts', import.meta.url));

/** The development demo link every non-production start seeds (src/infrastructure/development.ts). */
export const DEMO_LINK_ID = '5e0d0f6a-7c1b-4d2e-9f3a-0b1c2d3e4f50';
export const DEV_CLIENT_ID = 'dev-client-id';
export const DEV_CLIENT_SECRET = 'dev-client-secret';

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (typeof address !== 'object' || address === null) throw new Error('no free port');
  return address.port;
}

export interface ServiceProcess {
  readonly pid: number;
  readonly base: string;
  /** When spawn() was called, from `performance.now()`. */
  readonly spawnedAt: number;
  /** The last lines the process wrote to stderr (and stdout when kept), for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. Idempotent. */
  stop(graceMs?: number): Promise<number | null>;
  readonly exited: Promise<number | null>;
}

export interface SpawnOptions {
  /** `built`: node dist/... (production's way); `source`: the TypeScript through tsx (tests). */
  readonly entry: 'built' | 'source';
  readonly env: Record<string, string>;
  /** Keep stdout (the JSON log lines) for `output()`; otherwise it goes to /dev/null. */
  readonly keepStdout?: boolean;
}

const KEPT_CHARS = 20_000;

/** Starts our deployment with exactly `env` (plus PATH); it listens on `env.PORT`. */
export function spawnService(options: SpawnOptions): ServiceProcess {
  const port = options.env['PORT'];
  if (port === undefined) throw new Error('spawnService: env.PORT is required');
  if (options.entry === 'built' && !existsSync(BUILT_ENTRY)) {
    throw new Error(`${BUILT_ENTRY} is missing: run npm run build first`);
  }
  const args =
    options.entry === 'built'
      ? ['--enable-source-maps', BUILT_ENTRY]
      : ['--import', 'tsx', '--enable-source-maps', SOURCE_ENTRY];
  return spawnNode(args, options.env, `http://127.0.0.1:${port}`, options.keepStdout ?? false);
}

/** The bare Koa server the deployment is compared with (scripts/bench/bare-koa.ts). */
export function spawnBareKoa(port: number, body: string): ServiceProcess {
  return spawnNode(['--import', 'tsx', BARE_KOA_ENTRY], { PORT: String(port), BARE_BODY: body }, `http://127.0.0.1:${port}`, false);
}

function spawnNode(args: string[], env: Record<string, string>, base: string, keepStdout: boolean): ServiceProcess {
  const spawnedAt = performance.now();
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', keepStdout ? 'pipe' : 'ignore', 'pipe'],
  });
  let kept = '';
  const keep = (chunk: Buffer): void => {
    kept = (kept + chunk.toString()).slice(-KEPT_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  if (child.pid === undefined) throw new Error(`could not start ${process.execPath} ${args.join(' ')}`);
  let stopping: Promise<number | null> | undefined;
  return {
    pid: child.pid,
    base,
    spawnedAt,
    output: () => kept,
    exited,
    stop(graceMs = 5_000) {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return exited;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        const code = await exited;
        clearTimeout(timer);
        return code;
      })();
      return stopping;
    },
  };
}

/**
 * Polls `GET {base}/readyz` until it answers 200; resolves with `performance.now()` at that answer.
 * Fails when the process exits first or the deadline passes.
 */
export async function waitUntilReady(service: ServiceProcess, path = '/readyz', deadlineMs = 30_000): Promise<number> {
  let exitCode: number | null | undefined;
  void service.exited.then((code) => (exitCode = code));
  const deadline = performance.now() + deadlineMs;
  for (;;) {
    try {
      const response = await fetch(`${service.base}${path}`, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.status === 200) return performance.now();
    } catch {
      // not listening yet
    }
    if (exitCode !== undefined) {
      throw new Error(`the process exited (code ${String(exitCode)}) before ${path} answered 200:\n${service.output()}`);
    }
    if (performance.now() > deadline) {
      throw new Error(`${path} did not answer 200 within ${deadlineMs} ms:\n${service.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export interface Memory {
  /** Resident set size now. */
  readonly rssBytes: number;
  /** The highest resident set size since the process started. */
  readonly peakRssBytes: number;
}

/** A process's memory as the kernel counts it (Linux /proc); undefined elsewhere. */
export function processMemory(pid: number): Memory | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kib = (field: string): number | undefined => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
    return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
  };
  const rss = kib('VmRSS');
  const peak = kib('VmHWM');
  return rss === undefined || peak === undefined ? undefined : { rssBytes: rss, peakRssBytes: peak };
}

/** Decimal megabytes, as the targets are stated. */
export const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

export const basicAuth = (clientId: string, clientSecret: string): string =>
  `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
