import { pipe } from 'fp-ts/lib/function.js';
import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';

import type { Link } from '../../domain/link.js';
import { sealVendorGrant } from '../credentials/vendor-credentials.js';
import type { VendorTokens } from '../ports/video-vendor.js';
import type { InstallError, InstallRedirect } from './errors.js';
import type { InstallCollaborators } from './install-collaborators.js';
import { registerAndActivate } from './register-link.js';
import { checkState } from './state-check.js';

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
  constructor(private readonly deps: InstallCollaborators) {}

  execute(callback: VendorCallback): TE.TaskEither<InstallError, InstallRedirect> {
    const state = callback.state;
    if (state === undefined || state === '') return TE.left({ _tag: 'OAuthStateInvalid', reason: 'missing' });
    const connection = this.deps.vendor.connection;
    return pipe(
      checkState(this.deps.states, this.deps.used, this.deps.clock)(state, 'vendor-connect'),
      TE.flatMap((verified): TE.TaskEither<InstallError, InstallRedirect> => {
        if (callback.error !== undefined) return TE.left({ _tag: 'InstallDenied', at: 'vendor', error: callback.error });
        const code = callback.code;
        if (code === undefined || code === '') return TE.left({ _tag: 'InstallCodeMissing' });
        if (connection.kind !== 'oauth' || verified.linkId === undefined) return TE.left({ _tag: 'InstallLinkMissing' });
        const linkId = verified.linkId;
        const exchanged: TE.TaskEither<InstallError, VendorTokens> = pipe(
          TE.fromIO(() => AbortSignal.timeout(this.deps.settings.vendorTimeoutMs)),
          TE.flatMap((signal) => connection.exchangeCode(code, this.deps.settings.vendorCallbackUrl, signal)),
          TE.mapLeft((error): InstallError => ({ _tag: 'VendorStepFailed', error })),
        );
        return pipe(
          this.deps.links.findById(linkId),
          TE.flatMap(linkOrMissing),
          TE.flatMap(() => exchanged),
          TE.flatMap((tokens) => sealVendorGrant(this.deps.cipher)(tokens, this.deps.clock.now())),
          TE.flatMap((grant) => this.deps.links.setVendorGrant(linkId, grant, this.deps.clock.now())),
          TE.flatMap(linkOrMissing),
          TE.flatMap((updated) =>
            registerAndActivate(this.deps.settings, this.deps.links, this.deps.pipedrive, this.deps.credentials, this.deps.clock)(updated),
          ),
        );
      }),
    );
  }
}

const linkOrMissing = (found: O.Option<Link>): TE.TaskEither<InstallError, Link> =>
  O.isSome(found) ? TE.right(found.value) : TE.left({ _tag: 'InstallLinkMissing' });
