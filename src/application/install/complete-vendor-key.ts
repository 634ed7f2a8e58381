import { pipe } from 'fp-ts/lib/function.js';
import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';

import type { LinkId } from '../../domain/ids.js';
import type { Link } from '../../domain/link.js';
import { sealVendorGrant } from '../credentials/vendor-credentials.js';
import type { VerifiedOAuthState } from '../ports/oauth-state.js';
import type { VendorError } from '../../domain/errors.js';
import type { VendorTokens } from '../ports/video-vendor.js';
import type { InstallError, InstallRedirect } from './errors.js';
import type { InstallCollaborators } from './install-collaborators.js';
import { registerAndActivate } from './register-link.js';
import { checkState } from './state-check.js';

export interface VendorKeySubmission {
  readonly state?: string | undefined;
  readonly key?: string | undefined;
}

/**
 * The form step of an `account_key` vendor: the user pasted their vendor account key. The key is
 * checked against the vendor before anything is stored; only a key the vendor accepts becomes the
 * link's (sealed) vendor grant, and registration with Pipedrive follows. The state is single use,
 * so a wrong or missing key answers with a fresh one for the next try.
 */
export class CompleteVendorKey {
  constructor(private readonly deps: InstallCollaborators) {}

  /** Whether a state may show the form (without using it up): signed, fresh, for this step. */
  formState(state: string | undefined): TE.TaskEither<InstallError, VerifiedOAuthState> {
    if (state === undefined || state === '') return TE.left({ _tag: 'OAuthStateInvalid', reason: 'missing' });
    return this.deps.states.verify(state, 'vendor-connect', this.deps.clock.now());
  }

  execute(submission: VendorKeySubmission): TE.TaskEither<InstallError, InstallRedirect> {
    const connection = this.deps.vendor.connection;
    const state = submission.state;
    if (state === undefined || state === '') return TE.left({ _tag: 'OAuthStateInvalid', reason: 'missing' });
    return pipe(
      checkState(this.deps.states, this.deps.used, this.deps.clock)(state, 'vendor-connect'),
      TE.flatMap((verified): TE.TaskEither<InstallError, InstallRedirect> => {
        if (connection.kind !== 'account_key' || verified.linkId === undefined) return TE.left({ _tag: 'InstallLinkMissing' });
        const linkId = verified.linkId;
        const key = (submission.key ?? '').trim();
        if (key === '') return this.askAgain(linkId, 'missing');
        return pipe(
          this.deps.links.findById(linkId),
          TE.flatMap(linkOrMissing),
          TE.flatMap((): TE.TaskEither<InstallError, VendorTokens> => {
            const validated: TE.TaskEither<VendorError, VendorTokens> = pipe(
              TE.fromIO(() => AbortSignal.timeout(this.deps.settings.vendorTimeoutMs)),
              TE.flatMap((signal) => connection.validateKey(key, signal)),
            );
            return pipe(
              validated,
              TE.orElse((error): TE.TaskEither<InstallError, VendorTokens> =>
                error._tag === 'VendorTokenRejected' ? this.askAgain(linkId, 'refused') : TE.left({ _tag: 'VendorStepFailed', error }),
              ),
            );
          }),
          TE.flatMap((tokens) => sealVendorGrant(this.deps.cipher)({ ...tokens, accessToken: key }, this.deps.clock.now())),
          TE.flatMap((grant) => this.deps.links.setVendorGrant(linkId, grant, this.deps.clock.now())),
          TE.flatMap(linkOrMissing),
          TE.flatMap((link) => registerAndActivate(this.deps.settings, this.deps.links, this.deps.pipedrive, this.deps.credentials, this.deps.clock)(link)),
        );
      }),
    );
  }

  private askAgain(linkId: LinkId, reason: 'missing' | 'refused'): TE.TaskEither<InstallError, never> {
    return pipe(
      this.deps.states.issue({ purpose: 'vendor-connect', linkId }, this.deps.clock.now()),
      TE.flatMap((retryState) => TE.left<InstallError>({ _tag: 'VendorKeyInvalid', reason, retryState })),
    );
  }
}

const linkOrMissing = (found: O.Option<Link>): TE.TaskEither<InstallError, Link> =>
  O.isSome(found) ? TE.right(found.value) : TE.left({ _tag: 'InstallLinkMissing' });
