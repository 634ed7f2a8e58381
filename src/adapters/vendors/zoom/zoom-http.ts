import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';

import type { Clock } from '../../../application/ports/clock.js';
import type { VendorError, VendorRateLimited, VendorTimeout } from '../../../domain/errors.js';
import { decodeWith, describeNonJson, networkFailureOf, parseJson, redact } from '../../outbound/answers.js';
import { ApiErrorAnswer, OAuthErrorAnswer } from './zoom-codecs.js';

/**
 * Zoom's OAuth server and REST API over Node's `fetch`: one place for budgets, the retry of Zoom's
 * per-second rate limit, and the reading of Zoom's refusals into `VendorError` values. Messages name
 * the call ("POST /users/me/meetings") and what Zoom said, never a token, code or secret.
 */

export type ZoomServer = 'oauth' | 'api';

/** What the OAuth server's "this token is not valid" means for the call that sent it. */
export type InvalidTokenMeaning = 'VendorAuthorizationRevoked' | 'VendorTokenRejected' | 'VendorRejected';

export interface ZoomRequest {
  readonly server: ZoomServer;
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly url: string;
  /** How messages name the call: method and path, never a secret. */
  readonly label: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Values that must never reach a message, even when Zoom echoes them back. */
  readonly secrets: readonly string[];
  /** The call addresses one meeting: a 404 or code 3001 means Zoom no longer has it. */
  readonly addressesMeeting?: boolean;
  /** The granular scope the call needs, named when Zoom says the token lacks scopes (4700). */
  readonly scope?: string;
  /** OAuth server only: what `invalid_grant` / "Invalid Token!" means here. */
  readonly invalidToken?: InvalidTokenMeaning;
}

/** A 2xx answer, its body not yet parsed. */
export interface ZoomAnswer {
  readonly status: number;
  readonly text: string;
}

/** How often and how patiently Zoom's per-second limit (QPS) is retried: exponential, full jitter. */
export interface ZoomRetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** In [0, 1): the jitter. */
  readonly random: () => number;
}

export const DEFAULT_RETRY_POLICY: ZoomRetryPolicy = {
  attempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 2000,
  random: Math.random,
};

const MAX_SAID_LENGTH = 200;

/**
 * The time one vendor call may take: until the caller's signal aborts or the adapter's own timeout
 * passes, whichever comes first. Retries and follow-up calls (the invitation) share it.
 */
export class ZoomBudget {
  readonly signal: AbortSignal;
  private readonly timeout: AbortSignal;
  private readonly deadline: number;

  constructor(
    private readonly caller: AbortSignal,
    private readonly timeoutMs: number,
  ) {
    this.timeout = AbortSignal.timeout(timeoutMs);
    this.signal = AbortSignal.any([caller, this.timeout]);
    this.deadline = performance.now() + timeoutMs;
  }

  remainingMs(): number {
    return this.deadline - performance.now();
  }

  /** Why the budget ran out, in words. */
  exhausted(label: string): VendorTimeout {
    const message =
      this.caller.aborted || !this.timeout.aborted
        ? `Zoom ${label} was cancelled: the request's time budget ran out before Zoom answered`
        : `Zoom ${label} did not answer within ${this.timeoutMs} ms`;
    return { _tag: 'VendorTimeout', message };
  }
}

/** One round trip, read whole. */
interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export class ZoomHttp {
  constructor(
    private readonly clock: Clock,
    private readonly retry: ZoomRetryPolicy = DEFAULT_RETRY_POLICY,
  ) {}

  /**
   * Sends a request within the budget and answers its 2xx, or the `VendorError` it amounts to.
   * Only a per-second 429 is sent again (Zoom did nothing with it); anything else is answered as is,
   * so a create that Zoom may have acted on is never repeated.
   */
  async send(request: ZoomRequest, budget: ZoomBudget): Promise<E.Either<VendorError, ZoomAnswer>> {
    for (let attempt = 1; ; attempt += 1) {
      if (budget.signal.aborted) return E.left(budget.exhausted(request.label));
      const reply = await this.roundTrip(request, budget);
      if (E.isLeft(reply)) return reply;
      const { status, headers, text } = reply.right;
      if (status >= 200 && status < 300) return E.right({ status, text });
      if (status !== 429) return E.left(refusal(request, reply.right));

      const limit = this.rateLimit(request, reply.right);
      if (limit.daily || attempt >= this.retry.attempts) return E.left(limit.error);
      const backoff = this.retry.random() * Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
      const waitMs = Math.max(backoff, retryAfterMs(headers.get('retry-after'), this.clock.now()) ?? 0);
      // Waiting past the budget would only turn a clear "rate limited" into a timeout.
      if (waitMs >= budget.remainingMs()) return E.left(limit.error);
      if (!(await sleep(waitMs, budget.signal))) return E.left(budget.exhausted(request.label));
    }
  }

  private async roundTrip(request: ZoomRequest, budget: ZoomBudget): Promise<E.Either<VendorError, Reply>> {
    try {
      const response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        // A redirect would carry the token somewhere we did not choose.
        redirect: 'manual',
        signal: budget.signal,
      });
      const text = await response.text();
      return E.right({ status: response.status, headers: response.headers, text });
    } catch (error: unknown) {
      if (budget.signal.aborted) return E.left(budget.exhausted(request.label));
      return E.left({
        _tag: 'VendorUnavailable',
        message: `Zoom ${request.label} failed: ${redact(networkFailureOf(error), request.secrets)}`,
      });
    }
  }

  /** A 429: the per-user daily limit (never retried, it resets at 00:00 UTC) or a per-second one. */
  private rateLimit(request: ZoomRequest, reply: Reply): { readonly daily: boolean; readonly error: VendorRateLimited } {
    const body = readBody(request, reply.text);
    const type = reply.headers.get('x-ratelimit-type') ?? '';
    const daily = /daily/i.test(type) || /daily/i.test(body.said ?? '');
    const now = this.clock.now();
    const retryAfterSeconds = daily
      ? secondsUntilNextUtcMidnight(now)
      : toSeconds(retryAfterMs(reply.headers.get('retry-after'), now));
    const which = daily ? "the user's daily limit of meeting requests (it resets at 00:00 UTC)" : 'its rate limit';
    const message = `Zoom ${request.label} was refused under ${which}${body.said === undefined ? '' : `: ${body.said}`}`;
    return {
      daily,
      error: {
        _tag: 'VendorRateLimited',
        message,
        ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
      },
    };
  }
}

/** What a refusal's body says: Zoom's `code` and text, or what it looks like when it is not JSON. */
interface RefusalBody {
  readonly code?: number;
  readonly said?: string;
  /** The OAuth server's `error` (`invalid_grant`, `invalid_client`, ...). */
  readonly oauthError?: string;
  /** Set when the body is not JSON: "a body that is not JSON (XML)". */
  readonly notJson?: string;
}

function readBody(request: ZoomRequest, text: string): RefusalBody {
  const parsed = parseJson(text);
  if (parsed === undefined) return { notJson: describeNonJson(text) };
  const clean = (s: string | undefined): string | undefined => {
    if (s === undefined) return undefined;
    const one = redact(s, request.secrets).replace(/\s+/g, ' ').trim();
    if (one === '') return undefined;
    return one.length > MAX_SAID_LENGTH ? `${one.slice(0, MAX_SAID_LENGTH - 1)}…` : one;
  };
  const api = ApiErrorAnswer.decode(parsed);
  if (E.isRight(api)) {
    const said = clean(api.right.message);
    return { code: api.right.code, ...(said === undefined ? {} : { said }) };
  }
  const oauth = OAuthErrorAnswer.decode(parsed);
  if (E.isRight(oauth)) {
    const { error, reason, error_description } = oauth.right;
    const texts = [error, reason, error_description].filter((s): s is string => s !== undefined && s.trim() !== '');
    const said = clean(texts.join(': '));
    return { ...(error === undefined ? {} : { oauthError: error }), ...(said === undefined ? {} : { said }) };
  }
  return {};
}

/** The `VendorError` a non-2xx, non-429 answer amounts to. */
function refusal(request: ZoomRequest, reply: Reply): VendorError {
  const { status } = reply;
  const body = readBody(request, reply.text);
  const what =
    body.notJson !== undefined
      ? ` with ${body.notJson}`
      : `${body.code === undefined ? '' : ` (code ${body.code})`}${body.said === undefined ? '' : `: ${body.said}`}`;
  // Zoom support asks for this id when a call went wrong on their side.
  const tracking = reply.headers.get('x-zm-trackingid');
  const answered = `Zoom ${request.label} answered ${status}${what}${tracking === null ? '' : ` [x-zm-trackingid ${tracking}]`}`;

  if (status < 400 || status >= 500) return { _tag: 'VendorUnavailable', message: answered };

  if (request.server === 'oauth') {
    const invalidToken = body.oauthError === 'invalid_grant' || /invalid token/i.test(body.said ?? '');
    if (invalidToken) return { _tag: request.invalidToken ?? 'VendorRejected', message: answered };
    if (body.oauthError === 'invalid_client' || status === 401) {
      return { _tag: 'VendorRejected', message: `${answered} (check ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET)` };
    }
    return { _tag: 'VendorRejected', message: answered };
  }

  if (body.code === 124 || status === 401) {
    return { _tag: 'VendorTokenRejected', message: `Zoom refused the access token: ${answered}` };
  }
  if (body.code === 4700) {
    const needed = request.scope === undefined ? '' : ` (this call needs ${request.scope})`;
    return {
      _tag: 'VendorRejected',
      message: `Zoom refused ${request.label}: the user's Zoom authorization lacks a scope${needed}; the Zoom app must request it and the user reconnect. ${answered}`,
    };
  }
  if (request.addressesMeeting === true && (status === 404 || body.code === 3001)) {
    return { _tag: 'VendorMeetingGone', message: `Zoom no longer has this meeting: ${answered}` };
  }
  return { _tag: 'VendorRejected', message: answered };
}

/** `Retry-After` as milliseconds from now: Zoom sends a date (ISO or HTTP), the RFC allows seconds. */
export function retryAfterMs(value: string | null, now: Date): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/** Seconds until Zoom's daily limits reset, at the next 00:00 UTC; at least 1. */
export function secondsUntilNextUtcMidnight(now: Date): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.max(1, Math.ceil((next - now.getTime()) / 1000));
}

const toSeconds = (ms: number | undefined): number | undefined =>
  ms === undefined ? undefined : Math.max(1, Math.ceil(ms / 1000));

/** Waits `ms`; false when the signal aborted first. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}



/** A 2xx body, parsed and decoded; one that does not decode means Zoom is not answering as documented. */
export function decodeAnswer<A>(
  label: string,
  answer: { readonly status: number; readonly text: string },
  codec: t.Decoder<unknown, A>,
  prepare: (text: string) => string = (text) => text,
): E.Either<VendorError, A> {
  const parsed = parseJson(prepare(answer.text));
  if (parsed === undefined) {
    return E.left({ _tag: 'VendorUnavailable', message: `Zoom ${label} answered ${answer.status} with a body that is not JSON` });
  }
  const decoded = decodeWith(codec, parsed);
  return E.isRight(decoded)
    ? decoded
    : E.left({
        _tag: 'VendorUnavailable',
        message: `Zoom ${label} answered ${answer.status} with a body that does not decode (missing or invalid: ${decoded.left})`,
      });
}
