import type * as TE from 'fp-ts/lib/TaskEither.js';

import type { StoreUnavailable } from '../../domain/errors.js';
import type { LinkId } from '../../domain/ids.js';

/** Which step of the install a `state` was issued for; a state of one step is refused by the other. */
export type OAuthStatePurpose = 'pipedrive-install' | 'vendor-connect';

export interface OAuthStateClaims {
  readonly purpose: OAuthStatePurpose;
  /** The link being connected (vendor step only). */
  readonly linkId?: LinkId;
}

export interface VerifiedOAuthState extends OAuthStateClaims {
  /** The state's unique id, consumed once. */
  readonly id: string;
  readonly expiresAt: Date;
}

export interface OAuthStateInvalid {
  readonly _tag: 'OAuthStateInvalid';
  readonly reason: 'missing' | 'malformed' | 'forged' | 'expired' | 'wrong_purpose' | 'reused';
}

/** Issues and verifies signed, short-lived `state` values for OAuth redirects. */
export interface OAuthStateSigner {
  issue(claims: OAuthStateClaims, now: Date): TE.TaskEither<never, string>;
  /** Checks signature, expiry and purpose; single use is the `UsedOAuthStates` store's job. */
  verify(state: string, purpose: OAuthStatePurpose, now: Date): TE.TaskEither<OAuthStateInvalid, VerifiedOAuthState>;
}
export const OAuthStateSigner = Symbol('OAuthStateSigner');

/** Remembers which states were used, until they expire, across every process sharing the store. */
export interface UsedOAuthStates {
  /** True the first time an id is consumed, false every later time. */
  consume(id: string, expiresAt: Date): TE.TaskEither<StoreUnavailable, boolean>;
}
export const UsedOAuthStates = Symbol('UsedOAuthStates');
