import { randomBytes } from 'node:crypto';

import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import * as t from 'io-ts';
import { decodeProtectedHeader, errors, jwtVerify, SignJWT } from 'jose';

import type {
  OAuthStateClaims,
  OAuthStateInvalid,
  OAuthStatePurpose,
  OAuthStateSigner,
  VerifiedOAuthState,
} from '../../application/ports/oauth-state.js';
import { LinkId } from '../../domain/ids.js';
import { deriveKeyring, type DerivedKeyring, type Keyring } from './keyring.js';

const ALG = 'HS256';
// A state we issue is about 300 characters; the cap keeps a hostile query string from reaching
// the JSON parser and the HMAC at all.
export const MAX_STATE_LENGTH = 2048;

interface StateIdBrand {
  readonly StateId: unique symbol;
}
/** 128 random bits, base64url: the `jti` this signer puts in every state. */
const StateId = t.brand(
  t.string,
  (s): s is t.Branded<string, StateIdBrand> => /^[A-Za-z0-9_-]{22}$/.test(s),
  'StateId',
);

const Purpose = t.keyof({ 'pipedrive-install': null, 'vendor-connect': null });

/** The claims of a state whose signature has been checked: ours, so anything else is a defect of ours. */
const StatePayload = t.intersection([
  t.type({ jti: StateId, iat: t.number, exp: t.number, pur: Purpose }),
  t.partial({ lid: LinkId }),
]);

/**
 * OAuth `state` values as HS256 JWTs under a key derived for this purpose only. Expiry is judged
 * against the caller's `now`, never the wall clock, so the use cases' clock rules. That a state is
 * used once is the `UsedOAuthStates` store's job: it sees every process, this class sees one.
 */
export class JoseOAuthStateSigner implements OAuthStateSigner {
  readonly #keys: DerivedKeyring;
  readonly #ttlSeconds: number;

  constructor(keyring: Keyring, ttlSeconds: number) {
    if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) {
      throw new RangeError(`an OAuth state's lifetime must be a positive whole number of seconds, got ${ttlSeconds}`);
    }
    this.#keys = deriveKeyring(keyring, 'oauth-state');
    this.#ttlSeconds = ttlSeconds;
  }

  issue(claims: OAuthStateClaims, now: Date): TE.TaskEither<never, string> {
    return async () => {
      const { kid, key } = this.#keys.current;
      const iat = Math.floor(now.getTime() / 1000);
      const payload = claims.linkId === undefined ? { pur: claims.purpose } : { pur: claims.purpose, lid: claims.linkId };
      const jwt = await new SignJWT(payload)
        .setProtectedHeader({ alg: ALG, kid })
        .setJti(randomBytes(16).toString('base64url'))
        .setIssuedAt(iat)
        .setExpirationTime(iat + this.#ttlSeconds)
        .sign(key);
      return E.right(jwt);
    };
  }

  verify(
    state: string,
    purpose: OAuthStatePurpose,
    now: Date,
  ): TE.TaskEither<OAuthStateInvalid, VerifiedOAuthState> {
    return async () => {
      if (state.length > MAX_STATE_LENGTH) return E.left(invalid('malformed'));

      let kid: unknown;
      try {
        ({ kid } = decodeProtectedHeader(state));
      } catch {
        return E.left(invalid('malformed'));
      }
      // Every state we issue names its key: one that names none, or one we do not hold, is not ours.
      const key = typeof kid === 'string' ? this.#keys.byKid.get(kid) : undefined;
      if (key === undefined) return E.left(invalid('forged'));

      let payload: unknown;
      try {
        ({ payload } = await jwtVerify(state, key, {
          algorithms: [ALG],
          currentDate: now,
          requiredClaims: ['jti', 'iat', 'exp'],
        }));
      } catch (error) {
        if (!(error instanceof errors.JOSEError)) throw error;
        return E.left(invalid(reasonFor(error)));
      }

      const decoded = StatePayload.decode(payload);
      if (E.isLeft(decoded)) return E.left(invalid('malformed'));
      const { jti, exp, pur, lid } = decoded.right;
      if (pur !== purpose) return E.left(invalid('wrong_purpose'));

      const verified: VerifiedOAuthState = { id: jti, purpose: pur, expiresAt: new Date(exp * 1000) };
      return E.right(lid === undefined ? verified : { ...verified, linkId: lid });
    };
  }
}

function reasonFor(error: errors.JOSEError): OAuthStateInvalid['reason'] {
  // jose checks the signature before any claim, so `expired` is only ever said of a state we signed.
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'forged';
  // A token of another algorithm (`none`, HS512, RS256, ...) was not made with our key and `HS256`.
  if (error instanceof errors.JOSEAlgNotAllowed) return 'forged';
  return 'malformed';
}

const invalid = (reason: OAuthStateInvalid['reason']): OAuthStateInvalid => ({ _tag: 'OAuthStateInvalid', reason });
