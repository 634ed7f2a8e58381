/**
 * `npm run bench`: our deployment against a bare Koa server, under the same create load.
 *
 * In one run: a bare Koa server answering the same 201 body, our deployment (stub vendor, built
 * `dist/`, its own process) on the in-process store, then on MongoDB (the local stand-in unless
 * MONGODB_URI is set). Each is warmed up, then driven by autocannon with the same create load;
 * the table gives requests per second, p50/p99 latency, ours/bare, cold start (spawn to the first
 * 200 from /readyz, over several starts) and the service's memory after the load.
 *
 * Settings (environment): BENCH_DURATION_S (10), BENCH_WARMUP_S (3), BENCH_CONNECTIONS (50),
 * BENCH_COLD_STARTS (5), MONGODB_URI (a real server instead of the stand-in).
 */
import { cpus } from 'node:os';

import { MongoClient } from 'mongodb';

import { startMongoStandin, type MongoStandin } from '../../test/support/mongo-standin.js';
import { type CreateLoadFigures, createLoad } from './load.js';
import {
  basicAuth,
  DEMO_LINK_ID,
  DEV_CLIENT_ID,
  DEV_CLIENT_SECRET,
  freePort,
  mb,
  type Memory,
  processMemory,
  type ServiceProcess,
  spawnBareKoa,
  spawnService,
  waitUntilReady,
} from './processes.js';

const setting = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number from 1 (got ${JSON.stringify(raw)})`);
  return value;
};

const DURATION_S = setting('BENCH_DURATION_S', 10);
const WARMUP_S = setting('BENCH_WARMUP_S', 3);
const CONNECTIONS = setting('BENCH_CONNECTIONS', 50);
const COLD_STARTS = setting('BENCH_COLD_STARTS', 5);

const TARGETS = {
  throughputRatio: 0.6,
  p99Ms: 25,
  coldStartMs: 1500,
  memoryBytes: 150e6,
};

const AUTHORIZATION = basicAuth(DEV_CLIENT_ID, DEV_CLIENT_SECRET);
const CREATE_PATH = `/api/v1/links/${DEMO_LINK_ID}/meetings`;

interface Row {
  readonly name: string;
  readonly load?: CreateLoadFigures;
  readonly coldStartsMs?: readonly number[];
  readonly memory?: Memory;
  readonly skipped?: string;
}

interface MongoTarget {
  readonly uri: string;
  readonly label: string;
  readonly standin?: MongoStandin;
}

async function main(): Promise<void> {
  const cpu = cpus();
  log(`# npm run bench`);
  log(
    `machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}; node ${process.version}; ` +
      `${CONNECTIONS} connections, ${WARMUP_S} s warm-up then ${DURATION_S} s measured per row; ` +
      `cold start over ${COLD_STARTS} starts`,
  );

  const mongo = await openMongo();
  const databases: string[] = [];
  const rows: Row[] = [];
  try {
    // Ours on memory first: its real 201 answer is what the bare server sends back.
    const memoryEnv = { VIDEO_VENDOR: 'stub' };
    const coldMemory = await coldStarts(memoryEnv, COLD_STARTS);
    const ours = await measureService('ours, in-memory store', memoryEnv, coldMemory);
    rows.push(ours.row);

    const bare = await measureBare(ours.sampleAnswer);
    rows.unshift(bare);

    if ('skipped' in mongo) {
      rows.push({ name: 'ours, MongoDB', skipped: mongo.skipped });
    } else {
      const mongoEnv = (db: string): Record<string, string> => {
        databases.push(db);
        return { VIDEO_VENDOR: 'stub', MONGODB_URI: mongo.uri, MONGODB_DB: db };
      };
      const runId = Date.now().toString(36);
      const coldMongo = await coldStarts((i) => mongoEnv(`bench_${runId}_cold${i}`), Math.min(COLD_STARTS, 3));
      const onMongo = await measureService(`ours, ${mongo.label}`, mongoEnv(`bench_${runId}_load`), coldMongo);
      rows.push(onMongo.row);
    }
  } finally {
    if (!('skipped' in mongo)) await closeMongo(mongo, databases);
  }

  log('');
  log(table(rows));
  log('');
  log(verdicts(rows));
}

/** The MongoDB the MongoDB row runs on: MONGODB_URI, else a fresh stand-in. */
async function openMongo(): Promise<MongoTarget | { skipped: string }> {
  const given = process.env['MONGODB_URI']?.trim();
  if (given) return { uri: given, label: 'MongoDB (MONGODB_URI)' };
  try {
    const standin = await startMongoStandin();
    return { uri: standin.uri, label: 'MongoDB stand-in', standin };
  } catch (error) {
    return { skipped: `the MongoDB stand-in did not start: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` };
  }
}

async function closeMongo(mongo: MongoTarget, databases: readonly string[]): Promise<void> {
  if (mongo.standin !== undefined) {
    await mongo.standin.stop();
    return;
  }
  const client = new MongoClient(mongo.uri);
  try {
    for (const db of databases) await client.db(db).dropDatabase();
  } finally {
    await client.close();
  }
}

/** Spawn to first 200 from /readyz, `count` times, each on a fresh process (and database). */
async function coldStarts(env: Record<string, string> | ((i: number) => Record<string, string>), count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const port = await freePort();
    const service = spawnService({ entry: 'built', env: { ...(typeof env === 'function' ? env(i) : env), PORT: String(port) } });
    try {
      const readyAt = await waitUntilReady(service);
      times.push(readyAt - service.spawnedAt);
    } finally {
      await service.stop();
    }
  }
  return times;
}

async function measureService(
  name: string,
  env: Record<string, string>,
  coldStartsMs: readonly number[],
): Promise<{ row: Row; sampleAnswer: string }> {
  const port = await freePort();
  const service = spawnService({ entry: 'built', env: { ...env, PORT: String(port) } });
  try {
    await waitUntilReady(service);
    const sample = await fetch(`${service.base}${CREATE_PATH}`, {
      method: 'POST',
      headers: { authorization: AUTHORIZATION, 'content-type': 'application/json' },
      body: JSON.stringify({ topic: 'Bench call', start_time: '2027-03-01 15:00', duration: 30 }),
    });
    const sampleAnswer = await sample.text();
    if (sample.status !== 201) throw new Error(`${name}: the first create answered ${sample.status}: ${sampleAnswer}`);
    const load = await drive(name, service, AUTHORIZATION);
    return { row: { name, load, coldStartsMs, ...memoryOf(service) }, sampleAnswer };
  } finally {
    await service.stop();
  }
}

async function measureBare(answer: string): Promise<Row> {
  const port = await freePort();
  const bare = spawnBareKoa(port, answer);
  try {
    await waitUntilReady(bare, '/');
    const load = await drive('bare Koa', bare, undefined);
    return { name: 'bare Koa (same 201 body)', load, ...memoryOf(bare) };
  } finally {
    await bare.stop();
  }
}

async function drive(name: string, target: ServiceProcess, authorization: string | undefined): Promise<CreateLoadFigures> {
  const url = `${target.base}${CREATE_PATH}`;
  const common = { url, connections: CONNECTIONS, ...(authorization === undefined ? {} : { authorization }) };
  process.stderr.write(`${name}: warm-up ${WARMUP_S} s, `);
  await createLoad({ ...common, durationS: WARMUP_S });
  process.stderr.write(`measuring ${DURATION_S} s\n`);
  return createLoad({ ...common, durationS: DURATION_S });
}

const memoryOf = (service: ServiceProcess): { memory?: Memory } => {
  const memory = processMemory(service.pid);
  return memory === undefined ? {} : { memory };
};

function table(rows: readonly Row[]): string {
  const bare = rows.find((row) => row.name.startsWith('bare'))?.load;
  const header = ['deployment', 'req/s', 'ours/bare', 'p50', 'p99', 'other than 201', 'cold start (mean, min–max)', 'RSS after load (peak)'];
  const lines = rows.map((row) => {
    if (row.skipped !== undefined) return [row.name, `skipped: ${row.skipped}`, '', '', '', '', '', ''];
    const load = row.load;
    const others = load === undefined ? '' : otherThan201(load);
    return [
      row.name,
      load === undefined ? '' : Math.round(load.requestsPerSecond).toLocaleString('en-US'),
      load === undefined || bare === undefined || row.name.startsWith('bare')
        ? '—'
        : `${((load.requestsPerSecond / bare.requestsPerSecond) * 100).toFixed(0)} %`,
      load === undefined ? '' : `${load.latencyMs.p50} ms`,
      load === undefined ? '' : `${load.latencyMs.p99} ms`,
      others,
      row.coldStartsMs === undefined ? '—' : coldStartText(row.coldStartsMs),
      row.memory === undefined ? 'n/a' : `${mb(row.memory.rssBytes)} (${mb(row.memory.peakRssBytes)})`,
    ];
  });
  return markdownTable(header, lines);
}

function otherThan201(load: CreateLoadFigures): string {
  const parts = Object.entries(load.statuses)
    .filter(([status]) => status !== '201')
    .map(([status, n]) => `${n}×${status}`);
  if (load.errors > 0) parts.push(`${load.errors} no answer`);
  return parts.length === 0 ? '0' : parts.join(', ');
}

const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

function coldStartText(times: readonly number[]): string {
  return `${Math.round(mean(times))} ms (${Math.round(Math.min(...times))}–${Math.round(Math.max(...times))})`;
}

function verdicts(rows: readonly Row[]): string {
  const bare = rows.find((row) => row.name.startsWith('bare'));
  const ours = rows.filter((row) => !row.name.startsWith('bare') && row.load !== undefined);
  const lines = ['Targets (2-core machine):'];
  const verdict = (ok: boolean, text: string): void => void lines.push(`  ${ok ? 'met   ' : 'MISSED'} ${text}`);
  for (const row of ours) {
    const load = row.load!;
    if (bare?.load !== undefined) {
      const ratio = load.requestsPerSecond / bare.load.requestsPerSecond;
      verdict(
        ratio >= TARGETS.throughputRatio,
        `${row.name}: create throughput ${(ratio * 100).toFixed(0)} % of bare Koa (target ≥ ${TARGETS.throughputRatio * 100} %` +
          `${ratio >= TARGETS.throughputRatio ? '' : `; needs ×${(TARGETS.throughputRatio / ratio).toFixed(1)}`})`,
      );
    }
    verdict(load.latencyMs.p99 < TARGETS.p99Ms, `${row.name}: p99 ${load.latencyMs.p99} ms at ${CONNECTIONS} connections (target < ${TARGETS.p99Ms} ms)`);
    if (row.coldStartsMs !== undefined) {
      const cold = mean(row.coldStartsMs);
      verdict(cold < TARGETS.coldStartMs, `${row.name}: cold start ${Math.round(cold)} ms (target < ${TARGETS.coldStartMs} ms)`);
    }
    if (row.memory !== undefined) {
      verdict(row.memory.rssBytes < TARGETS.memoryBytes, `${row.name}: RSS after load ${mb(row.memory.rssBytes)} (target < ${mb(TARGETS.memoryBytes)})`);
    }
    if (otherThan201(load) !== '0') verdict(false, `${row.name}: every answer 201 (got ${otherThan201(load)})`);
  }
  return lines.join('\n');
}

function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
