import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';

import type { StoreUnavailable } from '../../domain/errors.js';
import type { Clock } from '../ports/clock.js';
import type {
  OAuthStateInvalid,
  OAuthStatePurpose,
  OAuthStateSigner,
  UsedOAuthStates,
  VerifiedOAuthState,
} from '../ports/oauth-state.js';

/**
 * A state is accepted once: signed by us, unexpired, for this step, and not seen before. The
 * "not seen before" is a write to the shared store, so a state replayed against another instance
 * is refused too.
 */
export const checkState =
  (signer: OAuthStateSigner, used: UsedOAuthStates, clock: Clock) =>
  (state: string, purpose: OAuthStatePurpose): TE.TaskEither<OAuthStateInvalid | StoreUnavailable, VerifiedOAuthState> =>
    pipe(
      signer.verify(state, purpose, clock.now()),
      TE.flatMap((verified) =>
        pipe(
          used.consume(verified.id, verified.expiresAt),
          TE.flatMap((first) =>
            first ? TE.right(verified) : TE.left<OAuthStateInvalid>({ _tag: 'OAuthStateInvalid', reason: 'reused' }),
          ),
        ),
      ),
    );
