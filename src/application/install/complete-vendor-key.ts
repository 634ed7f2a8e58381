import { pipe } from 'fp-ts/lib/function.js';
import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';

import type { LinkId } from '../../domain/ids.js';
import type { Link } from '../../domain/link.js';
import { sealVendorGrant } from '../credentials/vendor-credentials.js';
import type { Clock } from '../ports/clock.js';
import type { LinkRepository } from '../ports/link-repository.js';
import type { OAuthStateSigner, UsedOAuthStates, VerifiedOAuthState } from '../ports/oauth-state.js';
import type { PipedriveApi } from '../ports/pipedrive-api.js';
import type { TokenCipher } from '../ports/token-cipher.js';
import type { VendorError } from '../../domain/errors.js';
import type { VendorTokens, VideoVendor } from '../ports/video-vendor.js';
import type { InstallError, InstallRedirect } from './errors.js';
import type { InstallSettings } from './install-settings.js';
import type { PipedriveCredentials } from './pipedrive-credentials.js';
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
  constructor(
    private readonly settings: InstallSettings,
    private readonly links: LinkRepository,
    private readonly pipedrive: PipedriveApi,
    private readonly credentials: PipedriveCredentials,
    private readonly vendor: VideoVendor,
    private readonly cipher: TokenCipher,
    private readonly states: OAuthStateSigner,
    private readonly used: UsedOAuthStates,
    private readonly clock: Clock,
  ) {}

  /** Whether a state may show the form (without using it up): signed, fresh, for this step. */
  formState(state: string | undefined): TE.TaskEither<InstallError, VerifiedOAuthState> {
    if (state === undefined || state === '') return TE.left({ _tag: 'OAuthStateInvalid', reason: 'missing' });
    return this.states.verify(state, 'vendor-connect', this.clock.now());
  }

  execute(submission: VendorKeySubmission): TE.TaskEither<InstallError, InstallRedirect> {
    const connection = this.vendor.connection;
    const state = submission.state;
    if (state === undefined || state === '') return TE.left({ _tag: 'OAuthStateInvalid', reason: 'missing' });
    return pipe(
      checkState(this.states, this.used, this.clock)(state, 'vendor-connect'),
      TE.flatMap((verified): TE.TaskEither<InstallError, InstallRedirect> => {
        if (connection.kind !== 'account_key' || verified.linkId === undefined) return TE.left({ _tag: 'InstallLinkMissing' });
        const linkId = verified.linkId;
        const key = (submission.key ?? '').trim();
        if (key === '') return this.askAgain(linkId, 'missing');
        return pipe(
          this.links.findById(linkId),
          TE.flatMap(linkOrMissing),
          TE.flatMap((): TE.TaskEither<InstallError, VendorTokens> => {
            const validated: TE.TaskEither<VendorError, VendorTokens> = pipe(
              TE.fromIO(() => AbortSignal.timeout(this.settings.vendorTimeoutMs)),
              TE.flatMap((signal) => connection.validateKey(key, signal)),
            );
            return pipe(
              validated,
              TE.orElse((error): TE.TaskEither<InstallError, VendorTokens> =>
                error._tag === 'VendorTokenRejected' ? this.askAgain(linkId, 'refused') : TE.left({ _tag: 'VendorStepFailed', error }),
              ),
            );
          }),
          TE.flatMap((tokens) => sealVendorGrant(this.cipher)({ ...tokens, accessToken: key }, this.clock.now())),
          TE.flatMap((grant) => this.links.setVendorGrant(linkId, grant, this.clock.now())),
          TE.flatMap(linkOrMissing),
          TE.flatMap((link) => registerAndActivate(this.settings, this.links, this.pipedrive, this.credentials, this.clock)(link)),
        );
      }),
    );
  }

  private askAgain(linkId: LinkId, reason: 'missing' | 'refused'): TE.TaskEither<InstallError, never> {
    return pipe(
      this.states.issue({ purpose: 'vendor-connect', linkId }, this.clock.now()),
      TE.flatMap((retryState) => TE.left<InstallError>({ _tag: 'VendorKeyInvalid', reason, retryState })),
    );
  }
}

const linkOrMissing = (found: O.Option<Link>): TE.TaskEither<InstallError, Link> =>
  O.isSome(found) ? TE.right(found.value) : TE.left({ _tag: 'InstallLinkMissing' });
