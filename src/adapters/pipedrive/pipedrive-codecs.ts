import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';

import { PipedriveId } from '../../domain/ids.js';

/**
 * The shapes of Pipedrive's answers, as far as this app reads them. Codecs ignore fields they do
 * not name, so Pipedrive may add to an answer without breaking us.
 */

export interface NonEmptyStringBrand {
  readonly NonEmptyString: unique symbol;
}
const NonEmptyString = t.brand(
  t.string,
  (s): s is t.Branded<string, NonEmptyStringBrand> => s.length > 0,
  'NonEmptyString',
);

export interface PositiveNumberBrand {
  readonly PositiveNumber: unique symbol;
}
const PositiveNumber = t.brand(
  t.number,
  (n): n is t.Branded<number, PositiveNumberBrand> => Number.isFinite(n) && n > 0,
  'PositiveNumber',
);

const tokenAnswerFields = {
  access_token: NonEmptyString,
  expires_in: PositiveNumber,
  api_domain: t.string,
};

/** `grant_type=authorization_code`: a new grant always comes with its refresh token. */
export const AuthorizationCodeAnswer = t.type({ ...tokenAnswerFields, refresh_token: NonEmptyString });

/** `grant_type=refresh_token`: the refresh token may be left out (or null), the old one then stays. */
export const RefreshAnswer = t.intersection([
  t.type(tokenAnswerFields),
  t.partial({ refresh_token: t.union([NonEmptyString, t.null]) }),
]);

/** `GET /api/v1/users/me`. */
export const UsersMeAnswer = t.type({
  data: t.type({ id: PipedriveId, company_id: PipedriveId }),
});

/**
 * `POST` and `DELETE /api/v1/meetings/userProviderLinks`. Where the redirect URL sits is not
 * documented (research 1.2), so it is looked for by `redirectUrlOf`, not required here.
 */
export const SuccessAnswer = t.type({ success: t.literal(true) });
export type SuccessAnswer = t.TypeOf<typeof SuccessAnswer>;

/** The fields Pipedrive's OAuth server and API put a refusal's text in. */
const ErrorAnswer = t.partial({
  error: t.unknown,
  error_description: t.unknown,
  message: t.unknown,
  error_info: t.unknown,
});

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === 'object' && u !== null && !Array.isArray(u);

const isWebUrl = (u: unknown): u is string => {
  if (typeof u !== 'string') return false;
  try {
    const url = new URL(u);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
};

/** The first http(s) URL among `data.redirectUrl`, `data.redirect_url` and a top-level `redirectUrl`. */
export function redirectUrlOf(answer: unknown): string | undefined {
  if (!isRecord(answer)) return undefined;
  const data = isRecord(answer.data) ? answer.data : {};
  return [data.redirectUrl, data.redirect_url, answer.redirectUrl].find(isWebUrl);
}

/**
 * The text of a refusal: OAuth's `error` code with its `error_description`, the API's `error` or
 * `message`; `error_info` (a hint such as "Please check developers.pipedrive.com") only when there
 * is nothing else. Undefined when the body carries none of them.
 */
export function refusalTextOf(body: unknown): string | undefined {
  const decoded = ErrorAnswer.decode(body);
  if (E.isLeft(decoded)) return undefined;
  const { error, error_description, message, error_info } = decoded.right;
  const texts = [error, error_description, message]
    .filter((u): u is string => typeof u === 'string')
    .map((s) => s.trim())
    .filter((s, index, all) => s.length > 0 && all.indexOf(s) === index);
  if (texts.length > 0) return texts.join(': ');
  return typeof error_info === 'string' && error_info.trim().length > 0 ? error_info.trim() : undefined;
}


/**
 * `api_domain` is where the access token will be sent, so it must be a bare origin: https (http only
 * where allowed, for local stand-ins), no credentials, no path, query or fragment. Answers
 * `scheme://host[:port]`, or why it was refused.
 */
export function normaliseApiDomain(raw: string, allowInsecure: boolean): E.Either<string, string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return E.left('it is not a URL');
  }
  if (url.protocol !== 'https:' && !(allowInsecure && url.protocol === 'http:')) {
    return E.left(`its scheme ${url.protocol.replace(/:$/, '')} is not allowed`);
  }
  if (url.username !== '' || url.password !== '') return E.left('it carries credentials');
  if (url.pathname !== '/') return E.left('it has a path');
  if (url.search !== '' || raw.includes('?')) return E.left('it has a query');
  if (url.hash !== '' || raw.includes('#')) return E.left('it has a fragment');
  if (url.hostname === '') return E.left('it has no host');
  return E.right(`${url.protocol}//${url.host}`);
}
