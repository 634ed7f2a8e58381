/**
 * Drives a deployment the way Pipedrive does: reads its manifest, fills `:linkId` and `:meetingId`,
 * calls the three endpoints with Basic credentials, then probes the error cases. Every request has a
 * deadline; a timeout or a refused connection becomes a failed row, never an exception.
 */
import { readFile } from 'node:fs/promises';

import {
  type CheckResult,
  type Endpoints,
  fail,
  judgeCreated,
  judgeManifest,
  judgeNoContent,
  judgeProblem,
  LINK_ID,
  MEETING_ID,
  type Outcome,
  pass,
} from './checks.js';

export interface ConformanceOptions {
  /** Where the deployment answers, without a trailing slash. */
  readonly baseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** A link of that deployment that can create meetings. */
  readonly linkId: string;
  /** Read the manifest from this file instead of `{baseUrl}/manifest.json`. */
  readonly manifestFile?: string | undefined;
  /** Per request; 10 s unless told. */
  readonly timeoutMs?: number;
  /** The clock the meeting times derive from. */
  readonly now?: Date;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** `YYYY-MM-DD 10:00` of the day after `now`, in UTC. */
export function tomorrowAtTen(now: Date): string {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  return `${day.toISOString().slice(0, 10)} 10:00`;
}

/** Replaces the manifest's placeholders (as whole tokens) with URL-safe values. */
export function fillEndpoint(template: string, linkId: string, meetingId?: string): string {
  const global = (pattern: RegExp): RegExp => new RegExp(pattern.source, 'g');
  let url = template.replace(global(LINK_ID), encodeURIComponent(linkId));
  if (meetingId !== undefined) url = url.replace(global(MEETING_ID), encodeURIComponent(meetingId));
  return url;
}

interface Call {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly authorization?: string;
  /** Sent as is, with `Content-Type: application/json`. */
  readonly body?: string;
}

function reasonOf(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${timeoutMs / 1000} s`;
  }
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const message = typeof cause?.message === 'string' ? cause.message : error instanceof Error ? error.message : String(error);
  return `connection failed: ${code ?? message}`;
}

async function send(call: Call, timeoutMs: number): Promise<Outcome> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (call.authorization !== undefined) headers['Authorization'] = call.authorization;
  if (call.body !== undefined) headers['Content-Type'] = 'application/json';
  try {
    const signal = AbortSignal.timeout(timeoutMs);
    const init: RequestInit = { method: call.method, headers, redirect: 'manual', signal };
    if (call.body !== undefined) init.body = call.body;
    const response = await fetch(call.url, init);
    const body = await response.text();
    return { kind: 'answer', status: response.status, contentType: response.headers.get('content-type') ?? '', body };
  } catch (error) {
    return { kind: 'failure', reason: `${call.method} ${call.url}: ${reasonOf(error, timeoutMs)}` };
  }
}

/** The manifest as parsed JSON, and the row saying where it came from (or why it could not be read). */
async function loadManifest(
  options: ConformanceOptions,
  timeoutMs: number,
): Promise<{ readonly check: CheckResult; readonly raw?: unknown }> {
  const name = 'manifest: read';
  if (options.manifestFile !== undefined) {
    let text: string;
    try {
      text = await readFile(options.manifestFile, 'utf8');
    } catch (error) {
      return { check: fail(name, `cannot read ${options.manifestFile}: ${error instanceof Error ? error.message : String(error)}`) };
    }
    try {
      return { check: pass(name, `from ${options.manifestFile}`), raw: JSON.parse(text) as unknown };
    } catch {
      return { check: fail(name, `${options.manifestFile} is not valid JSON`) };
    }
  }
  const url = `${options.baseUrl}/manifest.json`;
  const outcome = await send({ method: 'GET', url }, timeoutMs);
  if (outcome.kind === 'failure') return { check: fail(name, outcome.reason) };
  if (outcome.status !== 200) return { check: fail(name, `GET ${url}: status ${outcome.status}, expected 200`) };
  try {
    return { check: pass(name, `200 from ${url}`), raw: JSON.parse(outcome.body) as unknown };
  } catch {
    return { check: fail(name, `GET ${url}: the body is not valid JSON`) };
  }
}

/** Runs every check in order and returns the rows; never throws for anything the deployment does. */
export async function runConformance(options: ConformanceOptions): Promise<CheckResult[]> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const results: CheckResult[] = [];

  const manifest = await loadManifest(options, timeoutMs);
  results.push(manifest.check);
  if (!('raw' in manifest)) return results;
  const judged = judgeManifest(manifest.raw, options.clientId);
  results.push(...judged.checks);
  if (judged.endpoints === undefined) {
    results.push(fail('reverse API', 'not exercised: the manifest names no usable endpoints'));
    return results;
  }
  results.push(...(await exercise(judged.endpoints, options, timeoutMs)));
  return results;
}

async function exercise(endpoints: Endpoints, options: ConformanceOptions, timeoutMs: number): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const authorization = basic(options.clientId, options.clientSecret);
  const startTime = tomorrowAtTen(options.now ?? new Date());
  const body = (topic: string): string => JSON.stringify({ topic, start_time: startTime, duration: 30 });
  const call = (c: Call): Promise<Outcome> => send(c, timeoutMs);
  const postUrl = fillEndpoint(endpoints.postMeeting, options.linkId);

  // The happy path: create, reschedule, delete, delete again.
  const created = judgeCreated(
    'postMeeting -> 201',
    await call({ method: 'POST', url: postUrl, authorization, body: body('Conformance check') }),
  );
  results.push(created.check);
  const meetingId = created.meetingId;
  if (meetingId === undefined) {
    const skipped = 'not exercised: postMeeting gave no meeting_id';
    results.push(
      fail('patchUpdateMeeting -> 204', skipped),
      fail('deleteMeeting -> 204', skipped),
      fail('deleteMeeting again -> 204', skipped),
    );
  } else {
    const patchUrl = fillEndpoint(endpoints.patchUpdateMeeting, options.linkId, meetingId);
    const deleteUrl = fillEndpoint(endpoints.deleteMeeting, options.linkId, meetingId);
    results.push(
      judgeNoContent(
        'patchUpdateMeeting -> 204',
        await call({ method: 'PATCH', url: patchUrl, authorization, body: body('Conformance check (moved)') }),
      ),
      judgeNoContent('deleteMeeting -> 204', await call({ method: 'DELETE', url: deleteUrl, authorization })),
      judgeNoContent('deleteMeeting again -> 204', await call({ method: 'DELETE', url: deleteUrl, authorization })),
    );
  }

  // The error cases.
  results.push(
    judgeProblem('no Authorization -> 401', await call({ method: 'POST', url: postUrl, body: body('No credentials') }), 401),
    judgeProblem(
      'wrong secret -> 401',
      await call({
        method: 'POST',
        url: postUrl,
        authorization: basic(options.clientId, `${options.clientSecret}-wrong`),
        body: body('Wrong secret'),
      }),
      401,
    ),
    judgeProblem(
      'malformed JSON -> 400',
      await call({ method: 'POST', url: postUrl, authorization, body: '{"topic": "Broken", "start_time": ' }),
      400,
    ),
    judgeProblem(
      'missing topic -> 400',
      await call({ method: 'POST', url: postUrl, authorization, body: JSON.stringify({ start_time: startTime, duration: 30 }) }),
      400,
      'topic',
    ),
    judgeProblem(
      'bad start_time -> 400',
      await call({
        method: 'POST',
        url: postUrl,
        authorization,
        body: JSON.stringify({ topic: 'Impossible date', start_time: '2026-02-30 10:00', duration: 30 }),
      }),
      400,
    ),
    judgeProblem(
      'unknown link -> 404',
      await call({
        method: 'POST',
        url: fillEndpoint(endpoints.postMeeting, crypto.randomUUID()),
        authorization,
        body: body('Unknown link'),
      }),
      404,
    ),
    judgeProblem(
      "nobody's meeting on PATCH -> 404",
      await call({
        method: 'PATCH',
        url: fillEndpoint(endpoints.patchUpdateMeeting, options.linkId, crypto.randomUUID()),
        authorization,
        body: body('Nobody'),
      }),
      404,
    ),
  );
  return results;
}
