import { pipe } from 'fp-ts/lib/function.js';
import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';

import type { Link } from '../../domain/link.js';
import type { Clock } from '../ports/clock.js';
import type { LinkRepository } from '../ports/link-repository.js';
import type { OAuthStateSigner, UsedOAuthStates } from '../ports/oauth-state.js';
import type { PipedriveApi } from '../ports/pipedrive-api.js';
import type { TokenCipher } from '../ports/token-cipher.js';
import type { VendorTokens, VideoVendor } from '../ports/video-vendor.js';
import type { InstallError, InstallRedirect } from './errors.js';
import type { InstallSettings } from './install-settings.js';
import type { PipedriveCredentials } from './pipedrive-credentials.js';
import { registerAndActivate } from './register-link.js';
import { checkState } from './state-check.js';
import { sealVendorGrant } from '../credentials/vendor-credentials.js';

export interface VendorCallback {
  readonly code?: string | undefined;
  readonly state?: string | undefined;
  readonly error?: string | undefined;
}

/**
 * The vendor sends the browser back here after the user authorized us there. The state is
 * required (we always send one) and names the link; the code becomes the link's vendor grant, sealed,
 * and the install ends with registration at Pipedrive.
 */
export class CompleteVendorConnection {
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

  execute(callback: VendorCallback): TE.TaskEither<InstallError, InstallRedirect> {
    const state = callback.state;
    if (state === undefined || state === '') return TE.left({ _tag: 'OAuthStateInvalid', reason: 'missing' });
    const connection = this.vendor.connection;
    return pipe(
      checkState(this.states, this.used, this.clock)(state, 'vendor-connect'),
      TE.flatMap((verified): TE.TaskEither<InstallError, InstallRedirect> => {
        if (callback.error !== undefined) return TE.left({ _tag: 'InstallDenied', at: 'vendor', error: callback.error });
        const code = callback.code;
        if (code === undefined || code === '') return TE.left({ _tag: 'InstallCodeMissing' });
        if (connection.kind !== 'oauth' || verified.linkId === undefined) return TE.left({ _tag: 'InstallLinkMissing' });
        const linkId = verified.linkId;
        const exchanged: TE.TaskEither<InstallError, VendorTokens> = pipe(
          TE.fromIO(() => AbortSignal.timeout(this.settings.vendorTimeoutMs)),
          TE.flatMap((signal) => connection.exchangeCode(code, this.settings.vendorCallbackUrl, signal)),
          TE.mapLeft((error): InstallError => ({ _tag: 'VendorStepFailed', error })),
        );
        return pipe(
          this.links.findById(linkId),
          TE.flatMap(linkOrMissing),
          TE.flatMap(() => exchanged),
          TE.flatMap((tokens) => sealVendorGrant(this.cipher)(tokens, this.clock.now())),
          TE.flatMap((grant) => this.links.setVendorGrant(linkId, grant, this.clock.now())),
          TE.flatMap(linkOrMissing),
          TE.flatMap((updated) =>
            registerAndActivate(this.settings, this.links, this.pipedrive, this.credentials, this.clock)(updated),
          ),
        );
      }),
    );
  }
}

const linkOrMissing = (found: O.Option<Link>): TE.TaskEither<InstallError, Link> =>
  O.isSome(found) ? TE.right(found.value) : TE.left({ _tag: 'InstallLinkMissing' });
