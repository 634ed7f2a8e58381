/**
 * The loads `npm run bench` and `npm run soak` put on a deployment, with autocannon.
 *
 * Every create body is distinct (its topic carries a per-request id, the soak's start time moves
 * too): identical bodies on one link within a short window may be collapsed into one meeting by the
 * create path, which would measure that shortcut instead of creating meetings.
 */
import autocannon from 'autocannon';

import { type Memory, processMemory } from './processes.js';

export interface Latency {
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p99_9: number;
  readonly max: number;
}

export interface CreateLoadFigures {
  readonly requests: number;
  readonly durationS: number;
  readonly requestsPerSecond: number;
  readonly latencyMs: Latency;
  /** Responses by status code, e.g. `{ '201': 51234 }`. */
  readonly statuses: Readonly<Record<string, number>>;
  /** Connection errors and timeouts: requests that got no response at all. */
  readonly errors: number;
}

export interface CreateLoadOptions {
  readonly url: string;
  readonly authorization?: string;
  readonly connections: number;
  readonly durationS: number;
}

/** POSTs a meeting body on `connections` keep-alive connections for `durationS` seconds. */
export async function createLoad(options: CreateLoadOptions): Promise<CreateLoadFigures> {
  const statuses: Record<string, number> = {};
  const { instance, done } = start({
    url: options.url,
    method: 'POST',
    connections: options.connections,
    duration: options.durationS,
    headers: {
      'content-type': 'application/json',
      ...(options.authorization === undefined ? {} : { authorization: options.authorization }),
    },
    // `[<id>]` becomes a fresh id in every request, so no two bodies are the same.
    body: JSON.stringify({ topic: 'Bench call [<id>]', start_time: '2027-03-01 15:00', duration: 30 }),
    idReplacement: true,
  });
  instance.on('response', (_client, statusCode) => {
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  });
  const result = await done;
  const requests = Object.values(statuses).reduce((sum, n) => sum + n, 0);
  return {
    requests,
    durationS: result.duration,
    requestsPerSecond: requests / result.duration,
    latencyMs: latencyOf(result.latency),
    statuses,
    errors: result.errors,
  };
}

/** Starts autocannon; its instance (for events) and its result. */
function start(options: autocannon.Options): { instance: autocannon.Instance; done: Promise<autocannon.Result> } {
  let instance: autocannon.Instance | undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(options, (error: unknown, result) => (error ? reject(toError(error)) : resolve(result)));
  });
  return { instance: instance!, done };
}

const toError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

function latencyOf(histogram: autocannon.Histogram): Latency {
  return {
    mean: histogram.mean,
    p50: histogram.p50,
    p90: histogram.p90,
    p99: histogram.p99,
    p99_9: histogram.p99_9,
    max: histogram.max,
  };
}

// ---------------------------------------------------------------------------------------------
// The soak: create, update, delete, over and over.

export type Operation = 'create' | 'update' | 'delete';

/** The status each operation must answer; anything else is an unexpected error. */
export const EXPECTED_STATUS: Readonly<Record<Operation, number>> = { create: 201, update: 204, delete: 204 };

export interface SoakTarget {
  /** e.g. `http://127.0.0.1:3000`, no trailing slash. */
  readonly base: string;
  /** An active link of the deployment. */
  readonly linkId: string;
  /** `Basic ...` with the deployment's Pipedrive client id and secret. */
  readonly authorization: string;
  /** The service's process id, to read its memory (only for a process on this machine). */
  readonly pid?: number;
}

export interface SoakOptions {
  readonly durationS: number;
  readonly connections: number;
  /** How often memory is sampled while the load runs. */
  readonly sampleEveryS?: number;
  /** Called with each memory sample (for progress output). */
  readonly onSample?: (sample: MemorySample) => void;
}

export interface MemorySample {
  /** Seconds since the load started. */
  readonly atS: number;
  readonly rssBytes: number;
}

export interface OperationTally {
  /** Responses with the expected status. */
  expected: number;
  /** Responses with any other status (or a 201 without a meeting id), by status. */
  readonly unexpected: Record<string, number>;
}

export interface SoakReport {
  readonly durationS: number;
  readonly connections: number;
  /** Responses received, all operations. */
  readonly served: number;
  readonly operations: Readonly<Record<Operation, OperationTally>>;
  /** Unexpected statuses, plus requests that got no response (connection errors, timeouts). */
  readonly unexpectedErrors: number;
  readonly connectionErrors: number;
  readonly timeouts: number;
  readonly latencyMs: Latency;
  readonly memory?: {
    readonly start: Memory;
    readonly end: Memory;
    readonly samples: readonly MemorySample[];
  };
}

/**
 * Drives a running deployment: each connection creates a meeting, moves it, deletes it, and starts
 * again. The update and the delete use the id the create answered on the same connection, after
 * that answer, so no request races another (a 404 would be a real error, not a race). A create
 * that fails starts its connection over at the create.
 */
export async function soak(target: SoakTarget, options: SoakOptions): Promise<SoakReport> {
  const operations: Record<Operation, OperationTally> = {
    create: { expected: 0, unexpected: {} },
    update: { expected: 0, unexpected: {} },
    delete: { expected: 0, unexpected: {} },
  };
  const tally = (operation: Operation, status: number, problem?: string): void => {
    const entry = operations[operation];
    if (status === EXPECTED_STATUS[operation] && problem === undefined) {
      entry.expected += 1;
      return;
    }
    const key = problem === undefined ? String(status) : `${status} ${problem}`;
    entry.unexpected[key] = (entry.unexpected[key] ?? 0) + 1;
  };

  let sequence = 0;
  const body = (label: string): string => {
    sequence += 1;
    return JSON.stringify({
      topic: `Soak ${label} ${sequence}`,
      start_time: startTime(sequence),
      duration: 15 + (sequence % 120),
    });
  };
  const meetings = `${target.base}/api/v1/links/${target.linkId}/meetings`;
  const path = new URL(meetings).pathname;
  const meetingOf = (context: object): string | undefined => (context as SoakContext).meetingId;

  const requests: autocannon.Request[] = [
    {
      method: 'POST',
      path,
      setupRequest: (request) => ({ ...request, body: body('created') }),
      onResponse: (status, responseBody, context) => {
        if (status !== EXPECTED_STATUS.create) {
          tally('create', status);
          return;
        }
        const meetingId = meetingIdIn(responseBody);
        if (meetingId === undefined) {
          tally('create', status, 'without data.meeting_id');
          return;
        }
        tally('create', status);
        (context as SoakContext).meetingId = meetingId;
      },
    },
    {
      method: 'PATCH',
      setupRequest: (request, context) => {
        const meetingId = meetingOf(context);
        return meetingId === undefined ? startOver() : { ...request, path: `${path}/${meetingId}`, body: body('moved') };
      },
      onResponse: (status) => tally('update', status),
    },
    {
      method: 'DELETE',
      setupRequest: (request, context) => {
        const meetingId = meetingOf(context);
        return meetingId === undefined ? startOver() : { ...request, path: `${path}/${meetingId}` };
      },
      onResponse: (status) => tally('delete', status),
    },
  ];

  const samples: MemorySample[] = [];
  const startMemory = target.pid === undefined ? undefined : processMemory(target.pid);
  const started = performance.now();
  const sampleEveryMs = (options.sampleEveryS ?? 10) * 1000;
  const sampler = setInterval(() => {
    if (target.pid === undefined) return;
    const memory = processMemory(target.pid);
    if (memory === undefined) return;
    const sample = { atS: Math.round((performance.now() - started) / 1000), rssBytes: memory.rssBytes };
    samples.push(sample);
    options.onSample?.(sample);
  }, sampleEveryMs);

  let result: autocannon.Result;
  try {
    result = await start({
      url: target.base,
      connections: options.connections,
      duration: options.durationS,
      headers: { 'content-type': 'application/json', authorization: target.authorization },
      requests,
    }).done;
  } finally {
    clearInterval(sampler);
  }
  const endMemory = target.pid === undefined ? undefined : processMemory(target.pid);

  const served = Object.values(operations).reduce(
    (sum, entry) => sum + entry.expected + Object.values(entry.unexpected).reduce((a, b) => a + b, 0),
    0,
  );
  const unexpectedStatuses = Object.values(operations).reduce(
    (sum, entry) => sum + Object.values(entry.unexpected).reduce((a, b) => a + b, 0),
    0,
  );
  return {
    durationS: result.duration,
    connections: options.connections,
    served,
    operations,
    // autocannon counts timeouts among its errors.
    unexpectedErrors: unexpectedStatuses + result.errors,
    connectionErrors: result.errors - result.timeouts,
    timeouts: result.timeouts,
    latencyMs: latencyOf(result.latency),
    ...(startMemory === undefined || endMemory === undefined
      ? {}
      : { memory: { start: startMemory, end: endMemory, samples } }),
  };
}

interface SoakContext {
  meetingId?: string;
}

function meetingIdIn(body: string): string | undefined {
  try {
    const id = (JSON.parse(body) as { data?: { meeting_id?: unknown } }).data?.meeting_id;
    return typeof id === 'string' && id !== '' ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * autocannon's way to say "no request here: start this connection over at the first request" is
 * a falsy return from `setupRequest` (its typings only admit a request).
 */
const startOver = (): autocannon.Request => undefined as unknown as autocannon.Request;

/** A distinct `YYYY-MM-DD HH:mm` (UTC) per sequence number, minutes apart, from 2027-01-01. */
function startTime(sequence: number): string {
  const at = new Date(Date.UTC(2027, 0, 1) + (sequence % 1_000_000) * 60_000);
  return at.toISOString().slice(0, 16).replace('T', ' ');
}
