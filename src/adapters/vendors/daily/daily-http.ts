import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';

import type { VendorError } from '../../../domain/errors.js';
import { decodeWith, describeNonJson, networkFailureOf, parseJson, redact } from '../../outbound/answers.js';
import { ErrorAnswer } from './daily-codecs.js';

/**
 * Daily's REST API over Node's `fetch`: the call's budget, and Daily's refusals read into
 * `VendorError` values. Messages name the call ("POST /rooms") and what Daily said, never the key.
 * Nothing is retried: a create Daily may have acted on is never repeated.
 */

/**
 * Whose key a call carries. A refused deployment key is our configuration, not the user's link:
 * it must not flag the link for reinstallation, so it is `VendorRejected`, naming DAILY_API_KEY.
 */
export type KeySource = 'deployment' | 'link';

export interface DailyRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** From the API base: `/rooms/<name>`. */
  readonly path: string;
  readonly key: string;
  readonly keySource: KeySource;
  readonly body?: unknown;
  /** The call addresses one room: a 404 means Daily no longer has it. */
  readonly addressesRoom?: boolean;
}

export interface DailyAnswer {
  readonly status: number;
  readonly text: string;
}

const MAX_SAID_LENGTH = 200;

export class DailyHttp {
  constructor(
    private readonly apiUrl: string,
    private readonly timeoutMs: number,
  ) {}

  async send(request: DailyRequest, caller: AbortSignal): Promise<E.Either<VendorError, DailyAnswer>> {
    const label = `${request.method} ${request.path}`;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = AbortSignal.any([caller, timeout]);
    const exhausted = (): VendorError => ({
      _tag: 'VendorTimeout',
      message: timeout.aborted
        ? `Daily ${label} did not answer within ${this.timeoutMs} ms`
        : `Daily ${label} was cancelled: the request's time budget ran out before Daily answered`,
    });
    if (signal.aborted) return E.left(exhausted());
    try {
      const response = await fetch(`${this.apiUrl}${request.path}`, {
        method: request.method,
        headers: {
          authorization: `Bearer ${request.key}`,
          accept: 'application/json',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        // A redirect would carry the key somewhere we did not choose.
        redirect: 'manual',
        signal,
      });
      const text = await response.text();
      if (response.status >= 200 && response.status < 300) return E.right({ status: response.status, text });
      return E.left(refusal(request, label, response.status, response.headers, text));
    } catch (error: unknown) {
      if (signal.aborted) return E.left(exhausted());
      return E.left({
        _tag: 'VendorUnavailable',
        message: `Daily ${label} failed: ${redact(networkFailureOf(error), [request.key])}`,
      });
    }
  }
}

function refusal(request: DailyRequest, label: string, status: number, headers: Headers, text: string): VendorError {
  const parsed = parseJson(text);
  let what: string;
  if (parsed === undefined) what = ` with ${describeNonJson(text)}`;
  else {
    const body = ErrorAnswer.decode(parsed);
    const said = E.isRight(body)
      ? [body.right.error, body.right.info].filter((s): s is string => s !== undefined && s.trim() !== '').join(': ')
      : '';
    const one = redact(said, [request.key]).replace(/\s+/g, ' ').trim();
    const cut = one.length > MAX_SAID_LENGTH ? `${one.slice(0, MAX_SAID_LENGTH - 1)}…` : one;
    what = cut === '' ? '' : `: ${cut}`;
  }
  const answered = `Daily ${label} answered ${status}${what}`;

  if (status === 401 || status === 403) {
    return request.keySource === 'link'
      ? { _tag: 'VendorTokenRejected', message: `Daily refused the API key: ${answered}` }
      : { _tag: 'VendorRejected', message: `Daily refused the deployment's API key (check DAILY_API_KEY): ${answered}` };
  }
  if (status === 429) {
    const retryAfter = headers.get('retry-after')?.trim() ?? '';
    const seconds = /^\d+$/.test(retryAfter) ? Math.max(1, Number(retryAfter)) : undefined;
    return {
      _tag: 'VendorRateLimited',
      message: `Daily ${label} was refused under its rate limit${what}`,
      ...(seconds === undefined ? {} : { retryAfterSeconds: seconds }),
    };
  }
  if (status === 404 && request.addressesRoom === true) {
    return { _tag: 'VendorMeetingGone', message: `Daily no longer has this room: ${answered}` };
  }
  if (status >= 400 && status < 500) return { _tag: 'VendorRejected', message: answered };
  return { _tag: 'VendorUnavailable', message: answered };
}

/** A 2xx body, parsed and decoded; one that does not decode means Daily is not answering as documented. */
export function decodeAnswer<A>(label: string, answer: DailyAnswer, codec: t.Decoder<unknown, A>): E.Either<VendorError, A> {
  const parsed = parseJson(answer.text);
  if (parsed === undefined) {
    return E.left({ _tag: 'VendorUnavailable', message: `Daily ${label} answered ${answer.status} with ${describeNonJson(answer.text)}` });
  }
  const decoded = decodeWith(codec, parsed);
  return E.isRight(decoded)
    ? decoded
    : E.left({
        _tag: 'VendorUnavailable',
        message: `Daily ${label} answered ${answer.status} with a body that does not decode (missing or invalid: ${decoded.left})`,
      });
}

