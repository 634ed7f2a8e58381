/**
 * `npm run bench`: our deployment against a bare Koa server, under the same create load.
 *
 * In one run: a bare Koa server answering the same 201 body, our deployment (stub vendor, built
 * `dist/`, its own process) on the in-process store, then on MongoDB (the local stand-in unless
 * MONGODB_URI is set). Each is warmed up, then driven by autocannon with the same create load;
 * the table gives requests per second, p50/p99 latency, ours/bare, cold start (spawn to the first
 * 200 from /readyz, over several starts) and the service's memory after the load.
 *
 * The bare server and ours on memory are measured in alternating rounds, each on fresh processes,
 * so that a neighbour's load on a shared machine hits both alike; a row shows its median round,
 * and ours/bare is the median of the rounds' ratios.
 *
 * Settings (environment): BENCH_DURATION_S (10), BENCH_WARMUP_S (3), BENCH_CONNECTIONS (50),
 * BENCH_ROUNDS (3), BENCH_COLD_STARTS (5), MONGODB_URI (a real server instead of the stand-in).
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
const ROUNDS = setting('BENCH_ROUNDS', 3);

const TARGETS = {
  throughputRatio: 0.6,
  p99Ms: 25,
  coldStartMs: 1500,
  memoryBytes: 150e6,
};

const AUTHORIZATION = basicAuth(DEV_CLIENT_ID, DEV_CLIENT_SECRET);
const CREATE_PATH = `/api/v1/links/${DEMO_LINK_ID}/meetings`;

interface Measured {
  readonly load: CreateLoadFigures;
  readonly memory?: Memory;
}

interface Row {
  readonly name: string;
  readonly load?: CreateLoadFigures;
  /** Requests per second of every round, when there were several. */
  readonly roundsPerSecond?: readonly number[];
  /** Ours/bare, the median of the rounds' ratios. */
  readonly ratio?: number;
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
      `${CONNECTIONS} connections, ${WARMUP_S} s warm-up then ${DURATION_S} s measured per run; ` +
      `${ROUNDS} alternating rounds of bare and ours on memory; cold start over ${COLD_STARTS} starts`,
  );

  const mongo = await openMongo();
  const databases: string[] = [];
  const rows: Row[] = [];
  try {
    const memoryEnv = { VIDEO_VENDOR: 'stub' };
    const coldMemory = await coldStarts(memoryEnv, COLD_STARTS);
    // Our real 201 answer is what the bare server sends back.
    const answer = await sampleAnswer(memoryEnv);
    const bareRuns: Measured[] = [];
    const oursRuns: Measured[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const label = ROUNDS > 1 ? ` (round ${round + 1} of ${ROUNDS})` : '';
      const bareFirst = round % 2 === 1; // alternate, so a drift in the machine's load is shared
      if (bareFirst) bareRuns.push(await measureBare(answer, label));
      oursRuns.push(await measureService(`ours, in-memory store${label}`, memoryEnv));
      if (!bareFirst) bareRuns.push(await measureBare(answer, label));
    }
    const ratios = oursRuns.map((ours, i) => ours.load.requestsPerSecond / bareRuns[i]!.load.requestsPerSecond);
    rows.push(rowOf('bare Koa (same 201 body)', bareRuns));
    rows.push({ ...rowOf('ours, in-memory store', oursRuns), coldStartsMs: coldMemory, ratio: median(ratios) });

    if ('skipped' in mongo) {
      rows.push({ name: 'ours, MongoDB', skipped: mongo.skipped });
    } else {
      const mongoEnv = (db: string): Record<string, string> => {
        databases.push(db);
        return { VIDEO_VENDOR: 'stub', MONGODB_URI: mongo.uri, MONGODB_DB: db };
      };
      const runId = Date.now().toString(36);
      const coldMongo = await coldStarts((i) => mongoEnv(`bench_${runId}_cold${i}`), Math.min(COLD_STARTS, 3));
      const onMongo = await measureService(`ours, ${mongo.label}`, mongoEnv(`bench_${runId}_load`));
      const ratio = ratioToBare(rows, onMongo.load);
      rows.push({ ...rowOf(`ours, ${mongo.label}`, [onMongo]), coldStartsMs: coldMongo, ...(ratio === undefined ? {} : { ratio }) });
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

/** One create on a fresh in-memory deployment: the answer body, for the bare server to send. */
async function sampleAnswer(env: Record<string, string>): Promise<string> {
  const service = spawnService({ entry: 'built', env: { ...env, PORT: String(await freePort()) } });
  try {
    await waitUntilReady(service);
    const response = await fetch(`${service.base}${CREATE_PATH}`, {
      method: 'POST',
      headers: { authorization: AUTHORIZATION, 'content-type': 'application/json' },
      body: JSON.stringify({ topic: 'Bench call', start_time: '2027-03-01 15:00', duration: 30 }),
    });
    const body = await response.text();
    if (response.status !== 201) throw new Error(`the first create answered ${response.status}: ${body}`);
    return body;
  } finally {
    await service.stop();
  }
}

async function measureService(name: string, env: Record<string, string>): Promise<Measured> {
  const service = spawnService({ entry: 'built', env: { ...env, PORT: String(await freePort()) } });
  try {
    await waitUntilReady(service);
    const load = await drive(name, service, AUTHORIZATION);
    return { load, ...memoryOf(service) };
  } finally {
    await service.stop();
  }
}

async function measureBare(answer: string, label: string): Promise<Measured> {
  const bare = spawnBareKoa(await freePort(), answer);
  try {
    await waitUntilReady(bare, '/');
    const load = await drive(`bare Koa${label}`, bare, undefined);
    return { load, ...memoryOf(bare) };
  } finally {
    await bare.stop();
  }
}

/** The round with the median throughput stands for the row; memory is the highest of all rounds. */
function rowOf(name: string, runs: readonly Measured[]): Row {
  const sorted = [...runs].sort((a, b) => a.load.requestsPerSecond - b.load.requestsPerSecond);
  const middle = sorted[Math.floor((sorted.length - 1) / 2)]!;
  const memories = runs.flatMap((run) => (run.memory === undefined ? [] : [run.memory]));
  const highest = memories.sort((a, b) => b.rssBytes - a.rssBytes)[0];
  return {
    name,
    load: middle.load,
    ...(runs.length > 1 ? { roundsPerSecond: runs.map((run) => run.load.requestsPerSecond) } : {}),
    ...(highest === undefined ? {} : { memory: highest }),
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
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
  const header = [
    'deployment',
    'req/s (rounds)',
    'ours/bare',
    'p50',
    'p99',
    'other than 201',
    'cold start (mean, min–max)',
    'RSS after load (peak)',
  ];
  const lines = rows.map((row) => {
    if (row.skipped !== undefined) return [row.name, `skipped: ${row.skipped}`, '', '', '', '', '', ''];
    const load = row.load;
    const rounds = row.roundsPerSecond === undefined ? '' : ` (${row.roundsPerSecond.map(count).join(', ')})`;
    return [
      row.name,
      load === undefined ? '' : `${count(load.requestsPerSecond)}${rounds}`,
      row.ratio === undefined ? '—' : `${(row.ratio * 100).toFixed(0)} %`,
      load === undefined ? '' : `${load.latencyMs.p50} ms`,
      load === undefined ? '' : `${load.latencyMs.p99} ms`,
      load === undefined ? '' : otherThan201(load),
      row.coldStartsMs === undefined ? '—' : coldStartText(row.coldStartsMs),
      row.memory === undefined ? 'n/a' : `${mb(row.memory.rssBytes)} (${mb(row.memory.peakRssBytes)})`,
    ];
  });
  return markdownTable(header, lines);
}

const count = (n: number): string => Math.round(n).toLocaleString('en-US');

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
  const ours = rows.filter((row) => !row.name.startsWith('bare') && row.load !== undefined);
  const lines = ['Targets (2-core machine):'];
  const verdict = (ok: boolean, text: string): void => void lines.push(`  ${ok ? 'met   ' : 'MISSED'} ${text}`);
  for (const row of ours) {
    const load = row.load!;
    const ratio = row.ratio ?? ratioToBare(rows, load);
    if (ratio !== undefined) {
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

/** Against the bare server's median round, for a row measured once. */
function ratioToBare(rows: readonly Row[], load: CreateLoadFigures): number | undefined {
  const bare = rows.find((row) => row.name.startsWith('bare'))?.load;
  return bare === undefined ? undefined : load.requestsPerSecond / bare.requestsPerSecond;
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
