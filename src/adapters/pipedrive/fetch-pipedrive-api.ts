import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type * as t from 'io-ts';

import type {
  PipedriveApi,
  PipedriveTokenSet,
  PipedriveUser,
  UserProviderLinkRegistration,
} from '../../application/ports/pipedrive-api.js';
import type { PipedriveError } from '../../domain/errors.js';
import type { LinkId } from '../../domain/ids.js';
import { describeDecodeFailure, networkFailureOf, redact } from '../outbound/answers.js';
import {
  AuthorizationCodeAnswer,
  normaliseApiDomain,
  RefreshAnswer,
  redirectUrlOf,
  refusalTextOf,
  SuccessAnswer,
  UsersMeAnswer,
} from './pipedrive-codecs.js';

export interface FetchPipedriveApiOptions {
  /** Pipedrive's OAuth server, e.g. `https://oauth.pipedrive.com` (no trailing slash needed). */
  readonly oauthUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Per call, from sending the request to having read the whole answer. */
  readonly timeoutMs: number;
  /** Accept an `http:` api_domain: only for local stand-ins, never in production. */
  readonly allowInsecureApiDomain: boolean;
}

/** Which server a call goes to: they word their refusals differently. */
type Server = 'oauth' | 'api';

interface Call {
  readonly server: Server;
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly url: string;
  /** How messages name the call: method and path, never a secret. */
  readonly label: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Values that must never reach a message, even when Pipedrive echoes them back. */
  readonly secrets: readonly string[];
  /** A 404 means "already gone", which is what the caller wanted. */
  readonly notFoundIsDone: boolean;
}

/** A 2xx answer (or a 404 that counts as done), its body not yet parsed. */
interface Answer {
  readonly status: number;
  readonly text: string;
}

const TOKEN_LABEL = 'POST /oauth/token';
const MAX_REFUSAL_LENGTH = 200;

/**
 * Pipedrive's OAuth server and API over Node's `fetch`. Every method is a lazy task: nothing is
 * sent until it runs, and its timeout starts then. Every answer is decoded; every failure is a
 * `PipedriveError` whose message names the call and never a token, code or secret.
 */
export class FetchPipedriveApi implements PipedriveApi {
  private readonly oauthUrl: string;
  private readonly basicAuthorization: string;

  constructor(private readonly options: FetchPipedriveApiOptions) {
    this.oauthUrl = options.oauthUrl.replace(/\/+$/, '');
    const credentials = Buffer.from(`${options.clientId}:${options.clientSecret}`, 'utf8').toString('base64');
    this.basicAuthorization = `Basic ${credentials}`;
  }

  exchangeCode(code: string, redirectUri: string): TE.TaskEither<PipedriveError, PipedriveTokenSet> {
    return async () => {
      const form = { grant_type: 'authorization_code', code, redirect_uri: redirectUri };
      const answer = await this.send(this.oauthCall(TOKEN_LABEL, '/oauth/token', form, [code]));
      return pipe(
        answer,
        E.flatMap((a) => decodeAnswer(TOKEN_LABEL, a, AuthorizationCodeAnswer)),
        E.flatMap((decoded) => this.tokenSet(decoded, decoded.refresh_token)),
      );
    };
  }

  refresh(refreshToken: string): TE.TaskEither<PipedriveError, PipedriveTokenSet> {
    return async () => {
      const form = { grant_type: 'refresh_token', refresh_token: refreshToken };
      const answer = await this.send(this.oauthCall(TOKEN_LABEL, '/oauth/token', form, [refreshToken]));
      return pipe(
        answer,
        E.flatMap((a) => decodeAnswer(TOKEN_LABEL, a, RefreshAnswer)),
        E.flatMap((decoded) => this.tokenSet(decoded, decoded.refresh_token ?? undefined)),
      );
    };
  }

  revoke(refreshToken: string): TE.TaskEither<PipedriveError, void> {
    return async () => {
      const form = { token: refreshToken, token_type_hint: 'refresh_token' };
      const answer = await this.send(this.oauthCall('POST /oauth/revoke', '/oauth/revoke', form, [refreshToken]));
      // RFC 7009: the 2xx is the whole answer (Pipedrive sends it even for a token already invalid);
      // a body, if any, says nothing more, so it is not read.
      return pipe(answer, E.map(() => undefined));
    };
  }

  currentUser(apiDomain: string, accessToken: string): TE.TaskEither<PipedriveError, PipedriveUser> {
    return async () => {
      const label = 'GET /api/v1/users/me';
      const answer = await this.sendToApi(apiDomain, accessToken, { label, method: 'GET', path: '/api/v1/users/me' });
      return pipe(
        answer,
        E.flatMap((a) => decodeAnswer(label, a, UsersMeAnswer)),
        E.map(({ data }) => ({ userId: data.id, companyId: data.company_id })),
      );
    };
  }

  registerUserProviderLink(
    apiDomain: string,
    accessToken: string,
    registration: UserProviderLinkRegistration,
  ): TE.TaskEither<PipedriveError, { readonly redirectUrl?: string }> {
    return async () => {
      const label = 'POST /api/v1/meetings/userProviderLinks';
      const json = JSON.stringify({
        user_provider_id: registration.linkId,
        user_id: registration.userId,
        company_id: registration.companyId,
        marketplace_client_id: registration.marketplaceClientId,
      });
      const answer = await this.sendToApi(apiDomain, accessToken, {
        label,
        method: 'POST',
        path: '/api/v1/meetings/userProviderLinks',
        json,
      });
      return pipe(
        answer,
        E.flatMap((a) =>
          pipe(
            parseAnswer(label, a),
            E.tap((parsed) => decodeParsed(label, a.status, parsed, SuccessAnswer)),
          ),
        ),
        E.map((parsed) => {
          const redirectUrl = redirectUrlOf(parsed);
          return redirectUrl === undefined ? {} : { redirectUrl };
        }),
      );
    };
  }

  deleteUserProviderLink(apiDomain: string, accessToken: string, linkId: LinkId): TE.TaskEither<PipedriveError, void> {
    return async () => {
      const path = `/api/v1/meetings/userProviderLinks/${encodeURIComponent(linkId)}`;
      const label = `DELETE ${path}`;
      const answer = await this.sendToApi(apiDomain, accessToken, { label, method: 'DELETE', path }, true);
      return pipe(
        answer,
        E.flatMap((a) =>
          // Gone already, or removed with nothing to say: both are what was asked for.
          a.status === 404 || a.status === 204
            ? E.right(undefined)
            : pipe(
                decodeAnswer(label, a, SuccessAnswer),
                E.map(() => undefined),
              ),
        ),
      );
    };
  }

  private oauthCall(label: string, path: string, form: Record<string, string>, secrets: readonly string[]): Call {
    return {
      server: 'oauth',
      method: 'POST',
      url: `${this.oauthUrl}${path}`,
      label,
      headers: {
        authorization: this.basicAuthorization,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams(form).toString(),
      notFoundIsDone: false,
      secrets: [...secrets, this.options.clientSecret, this.basicAuthorization.slice('Basic '.length)],
    };
  }

  private async sendToApi(
    apiDomain: string,
    accessToken: string,
    request: { readonly label: string; readonly method: Call['method']; readonly path: string; readonly json?: string },
    notFoundIsDone = false,
  ): Promise<E.Either<PipedriveError, Answer>> {
    // The domain comes from a stored token set; checked again here because the bearer token goes there.
    const origin = normaliseApiDomain(apiDomain, this.options.allowInsecureApiDomain);
    if (E.isLeft(origin)) {
      return E.left(unavailable(`${request.label} not sent: api_domain was refused: ${origin.left}`));
    }
    const headers: Record<string, string> = {
      authorization: `Bearer ${accessToken}`,
      accept: 'application/json',
    };
    if (request.json !== undefined) headers['content-type'] = 'application/json';
    return this.send({
      server: 'api',
      method: request.method,
      url: `${origin.right}${request.path}`,
      label: request.label,
      headers,
      ...(request.json === undefined ? {} : { body: request.json }),
      secrets: [accessToken],
      notFoundIsDone,
    });
  }

  private tokenSet(
    decoded: { readonly access_token: string; readonly expires_in: number; readonly api_domain: string },
    refreshToken: string | undefined,
  ): E.Either<PipedriveError, PipedriveTokenSet> {
    const apiDomain = normaliseApiDomain(decoded.api_domain, this.options.allowInsecureApiDomain);
    if (E.isLeft(apiDomain)) {
      return E.left(unavailable(`${TOKEN_LABEL} answer not accepted: api_domain was refused: ${apiDomain.left}`));
    }
    return E.right({
      accessToken: decoded.access_token,
      refreshToken,
      expiresInSeconds: decoded.expires_in,
      apiDomain: apiDomain.right,
    });
  }

  /** Sends a call and reads its whole answer within the timeout; a refusal or failure becomes a Left. */
  private async send(call: Call): Promise<E.Either<PipedriveError, Answer>> {
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    let status: number;
    let text: string;
    try {
      const response = await fetch(call.url, {
        method: call.method,
        headers: call.headers,
        ...(call.body === undefined ? {} : { body: call.body }),
        // A redirect would carry the credentials somewhere we did not choose.
        redirect: 'manual',
        signal,
      });
      status = response.status;
      text = await response.text();
    } catch (error: unknown) {
      if (signal.aborted) {
        return E.left({
          _tag: 'PipedriveTimeout',
          message: `${call.label} did not answer within ${this.options.timeoutMs} ms`,
        });
      }
      return E.left(unavailable(`${call.label} failed: ${redact(networkFailureOf(error), call.secrets)}`));
    }
    if (status >= 200 && status < 300) return E.right({ status, text });
    if (status === 404 && call.notFoundIsDone) return E.right({ status, text });
    if (status >= 400 && status < 500) return E.left(refusal(call, status, text));
    return E.left(unavailable(`${call.label} answered ${status}`));
  }
}

const unavailable = (message: string): PipedriveError => ({ _tag: 'PipedriveUnavailable', message });

function refusal(call: Call, status: number, text: string): PipedriveError {
  const said = refusalTextOf(parseJson(text));
  const shown = said === undefined ? undefined : trimmed(redact(said, call.secrets));
  const message = `${call.label} answered ${status}${shown === undefined ? '' : `: ${shown}`}`;
  if (call.server === 'oauth' && (status === 400 || status === 401) && said !== undefined && isInvalidGrant(said)) {
    return { _tag: 'PipedriveInvalidGrant', message };
  }
  if (call.server === 'api' && status === 401) return { _tag: 'PipedriveUnauthorized', message };
  return { _tag: 'PipedriveRejected', status, message };
}

/** `error: 'invalid_grant'` (RFC 6749) or Pipedrive's own wording, "Invalid grant: ...". */
const isInvalidGrant = (said: string): boolean => /invalid[_ ]grant/i.test(said);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function parseAnswer(label: string, answer: Answer): E.Either<PipedriveError, unknown> {
  const parsed = parseJson(answer.text);
  return parsed === undefined
    ? E.left(unavailable(`${label} answered ${answer.status} with a body that is not JSON`))
    : E.right(parsed);
}

function decodeParsed<A>(
  label: string,
  status: number,
  parsed: unknown,
  codec: t.Decoder<unknown, A>,
): E.Either<PipedriveError, A> {
  const decoded = codec.decode(parsed);
  if (E.isRight(decoded)) return decoded;
  const where = describeDecodeFailure(decoded.left);
  return E.left(unavailable(`${label} answered ${status} with a body that does not decode (missing or invalid: ${where})`));
}

function decodeAnswer<A>(
  label: string,
  answer: Answer,
  codec: t.Decoder<unknown, A>,
): E.Either<PipedriveError, A> {
  const parsed = parseAnswer(label, answer);
  return E.isLeft(parsed) ? parsed : decodeParsed(label, answer.status, parsed.right, codec);
}



function trimmed(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_REFUSAL_LENGTH ? `${oneLine.slice(0, MAX_REFUSAL_LENGTH - 1)}…` : oneLine;
}
