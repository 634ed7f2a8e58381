/**
 * Pure judges of what a deployment answered, the way Pipedrive reads it: each takes a recorded answer
 * (or the reason there was none) and returns one row of the conformance report. No network here, so
 * every rule can be tested on crafted answers.
 *
 * Deliberately independent of the service's own code: the conformance tool checks anyone's deployment.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';

/** The only manifest version Pipedrive supports for video-calling apps. */
export const MANIFEST_VERSION = 'v202049';

/** One row of the report. */
export interface CheckResult {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
}

/** What one request produced: an answer, or why there was none (timeout, connection refused, ...). */
export type Outcome =
  | { readonly kind: 'answer'; readonly status: number; readonly contentType: string; readonly body: string }
  | { readonly kind: 'failure'; readonly reason: string };

export const pass = (name: string, detail: string): CheckResult => ({ name, passed: true, detail });
export const fail = (name: string, detail: string): CheckResult => ({ name, passed: false, detail });

// ---------------------------------------------------------------------------------------------------
// The manifest

const EndpointsCodec = t.type({
  postMeeting: t.string,
  patchUpdateMeeting: t.string,
  deleteMeeting: t.string,
});

const ManifestCodec = t.type({
  version: t.string,
  clientId: t.string,
  endpoints: EndpointsCodec,
});

export type Endpoints = t.TypeOf<typeof EndpointsCodec>;
export type EndpointName = keyof Endpoints;
const ENDPOINT_NAMES: readonly EndpointName[] = ['postMeeting', 'patchUpdateMeeting', 'deleteMeeting'];

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** `:name` as a whole placeholder (so `:linkIdx` does not count as `:linkId`). */
const placeholder = (name: string): RegExp => new RegExp(`:${name}(?![A-Za-z0-9_])`);
export const LINK_ID = placeholder('linkId');
export const MEETING_ID = placeholder('meetingId');

function decodeErrors(errors: t.Errors): string {
  const paths = errors.map((error) => {
    const path = error.context
      .map((entry) => entry.key)
      .filter((key) => key !== '')
      .join('.');
    return `${path === '' ? '(root)' : path}: expected ${error.context.at(-1)?.type.name ?? 'something else'}`;
  });
  return [...new Set(paths)].join('; ');
}

export interface ManifestJudgement {
  readonly checks: readonly CheckResult[];
  /** The endpoints, when they are usable enough to call (decoded, absolute URLs, placeholders present). */
  readonly endpoints: Endpoints | undefined;
}

/** Judges a manifest (already parsed from JSON) against the v202049 rules. */
export function judgeManifest(raw: unknown, expectedClientId: string): ManifestJudgement {
  const decoded = ManifestCodec.decode(raw);
  if (E.isLeft(decoded)) {
    return { checks: [fail('manifest: shape', decodeErrors(decoded.left))], endpoints: undefined };
  }
  const manifest = decoded.right;
  const checks: CheckResult[] = [pass('manifest: shape', 'version, clientId and the three endpoints are strings')];

  checks.push(
    manifest.version === MANIFEST_VERSION
      ? pass('manifest: version', MANIFEST_VERSION)
      : fail('manifest: version', `${JSON.stringify(manifest.version)}, expected "${MANIFEST_VERSION}"`),
  );
  checks.push(
    manifest.clientId === expectedClientId
      ? pass('manifest: clientId', 'equals --client-id')
      : fail('manifest: clientId', `${JSON.stringify(manifest.clientId)}, expected ${JSON.stringify(expectedClientId)}`),
  );

  const urlProblems: string[] = [];
  let local = false;
  for (const name of ENDPOINT_NAMES) {
    const value = manifest.endpoints[name];
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      urlProblems.push(`${name} is not an absolute URL`);
      continue;
    }
    if (url.protocol === 'https:') continue;
    if (url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname)) {
      local = true;
      continue;
    }
    urlProblems.push(`${name} is ${url.protocol.slice(0, -1)}://${url.host}, expected https`);
  }
  checks.push(
    urlProblems.length === 0
      ? pass('manifest: endpoint URLs', local ? 'absolute; http on a local host (allowed for local testing)' : 'absolute https')
      : fail('manifest: endpoint URLs', urlProblems.join('; ')),
  );

  const withoutLink = ENDPOINT_NAMES.filter((name) => !LINK_ID.test(manifest.endpoints[name]));
  checks.push(
    withoutLink.length === 0
      ? pass('manifest: :linkId in all endpoints', 'present')
      : fail('manifest: :linkId in all endpoints', `missing in ${withoutLink.join(', ')}`),
  );
  const withoutMeeting = (['patchUpdateMeeting', 'deleteMeeting'] as const).filter(
    (name) => !MEETING_ID.test(manifest.endpoints[name]),
  );
  checks.push(
    withoutMeeting.length === 0
      ? pass('manifest: :meetingId in patch and delete', 'present')
      : fail('manifest: :meetingId in patch and delete', `missing in ${withoutMeeting.join(', ')}`),
  );

  const usable = urlProblems.length === 0 && withoutLink.length === 0 && withoutMeeting.length === 0;
  return { checks, endpoints: usable ? manifest.endpoints : undefined };
}

// ---------------------------------------------------------------------------------------------------
// Answers

/** A short, one-line picture of an answer for a report's detail column. */
export function describeOutcome(outcome: Outcome): string {
  if (outcome.kind === 'failure') return outcome.reason;
  const text = outcome.body.replace(/\s+/g, ' ').trim();
  const excerpt = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return `status ${outcome.status}${excerpt === '' ? ', empty body' : `: ${excerpt}`}`;
}

const isJsonType = (contentType: string): boolean => /^application\/(?:[\w.+-]*\+)?json\b/i.test(contentType.trim());
const looksLikeHtml = (outcome: { contentType: string; body: string }): boolean =>
  /html/i.test(outcome.contentType) || outcome.body.trimStart().startsWith('<');

type Answer = Extract<Outcome, { kind: 'answer' }>;

/** The body as a JSON object, or why it is not one. */
function jsonObject(answer: Answer): E.Either<string, Record<string, unknown>> {
  if (looksLikeHtml(answer)) return E.left(`status ${answer.status}: an HTML answer, expected JSON`);
  if (!isJsonType(answer.contentType)) {
    return E.left(`status ${answer.status}: Content-Type ${JSON.stringify(answer.contentType)}, expected application/json`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    return E.left(`status ${answer.status}: the body is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return E.left(`status ${answer.status}: the body is not a JSON object`);
  }
  return E.right(parsed as Record<string, unknown>);
}

/** Keys beyond `allowed` and required keys missing, as readable complaints. */
function keyProblems(value: Record<string, unknown>, required: readonly string[], optional: readonly string[] = []): string[] {
  const allowed = new Set([...required, ...optional]);
  const problems: string[] = [];
  const missing = required.filter((key) => !(key in value));
  const extra = Object.keys(value).filter((key) => !allowed.has(key));
  if (missing.length > 0) problems.push(`missing ${missing.join(', ')}`);
  if (extra.length > 0) problems.push(`unexpected ${extra.join(', ')}`);
  return problems;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export interface CreatedJudgement {
  readonly check: CheckResult;
  readonly meetingId: string | undefined;
}

/** postMeeting: 201 `{success: true, data: {meeting_id, join_url, invitation, password?}}`, exactly. */
export function judgeCreated(name: string, outcome: Outcome): CreatedJudgement {
  const failed = (detail: string): CreatedJudgement => ({ check: fail(name, detail), meetingId: undefined });
  if (outcome.kind === 'failure') return failed(outcome.reason);
  if (outcome.status !== 201) return failed(`${describeOutcome(outcome)} (expected 201)`);
  const body = jsonObject(outcome);
  if (E.isLeft(body)) return failed(body.left);

  const problems = keyProblems(body.right, ['success', 'data']);
  if (body.right['success'] !== true) problems.push('success is not true');
  const data = body.right['data'];
  if (!isRecord(data)) {
    problems.push('data is not an object');
    return failed(problems.join('; '));
  }
  problems.push(...keyProblems(data, ['meeting_id', 'join_url', 'invitation'], ['password']).map((p) => `data: ${p}`));
  for (const key of ['meeting_id', 'join_url', 'invitation', 'password']) {
    if (!(key in data)) continue;
    const value = data[key];
    if (value === null) problems.push(`data.${key} is null${key === 'password' ? ' (omit it when there is none)' : ''}`);
    else if (typeof value !== 'string') problems.push(`data.${key} is a ${typeof value}, expected a string`);
  }
  const joinUrl = data['join_url'];
  if (typeof joinUrl === 'string' && !isAbsoluteUrl(joinUrl)) problems.push('data.join_url is not an absolute URL');
  const meetingId = data['meeting_id'];
  if (typeof meetingId === 'string' && meetingId === '') problems.push('data.meeting_id is empty');

  if (problems.length > 0) return failed(`status 201: ${problems.join('; ')}`);
  return { check: pass(name, `201, meeting_id ${String(meetingId)}`), meetingId: meetingId as string };
}

function isAbsoluteUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** patchUpdateMeeting and deleteMeeting: 204 with an empty body. */
export function judgeNoContent(name: string, outcome: Outcome): CheckResult {
  if (outcome.kind === 'failure') return fail(name, outcome.reason);
  if (outcome.status !== 204) return fail(name, `${describeOutcome(outcome)} (expected 204)`);
  if (outcome.body !== '') return fail(name, `status 204 with a body (expected none): ${describeOutcome(outcome)}`);
  return pass(name, '204, empty body');
}

/**
 * An error answer: the expected status and `{success: false, error: {code, message}}` in JSON (never
 * HTML), `code` an upper-case string, `message` a string mentioning `mentions` when given.
 */
export function judgeProblem(name: string, outcome: Outcome, status: number, mentions?: string): CheckResult {
  if (outcome.kind === 'failure') return fail(name, outcome.reason);
  if (outcome.status !== status) return fail(name, `${describeOutcome(outcome)} (expected ${status})`);
  const body = jsonObject(outcome);
  if (E.isLeft(body)) return fail(name, body.left);

  const problems = keyProblems(body.right, ['success', 'error']);
  if (body.right['success'] !== false) problems.push('success is not false');
  const error = body.right['error'];
  if (!isRecord(error)) {
    problems.push('error is not an object');
    return fail(name, `status ${status}: ${problems.join('; ')}`);
  }
  problems.push(...keyProblems(error, ['code', 'message']).map((p) => `error: ${p}`));
  const { code, message } = error;
  if (typeof code !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(code)) {
    problems.push(`error.code ${JSON.stringify(code)} is not an upper-case string`);
  }
  if (typeof message !== 'string') problems.push('error.message is not a string');
  else if (mentions !== undefined && !message.toLowerCase().includes(mentions.toLowerCase())) {
    problems.push(`error.message ${JSON.stringify(message)} does not mention ${mentions}`);
  }
  if (problems.length > 0) return fail(name, `status ${status}: ${problems.join('; ')}`);
  return pass(name, `${status} ${String(code)}`);
}
