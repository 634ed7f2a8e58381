import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';

import { newPendingLink } from '../../domain/link.js';
import type { InstallError, InstallRedirect } from './errors.js';
import type { InstallCollaborators } from './install-collaborators.js';
import { sealGrant } from './pipedrive-credentials.js';
import { registerAndActivate } from './register-link.js';
import { checkState } from './state-check.js';

export interface PipedriveCallback {
  readonly code?: string | undefined;
  readonly state?: string | undefined;
  readonly error?: string | undefined;
}

/**
 * Pipedrive sends the browser back here after consent. In order: the state (when present), the code
 * exchange, who the user is, the link (a re-install keeps its id), the vendor's own consent when the
 * vendor needs one, and registration with Pipedrive, which alone makes the link usable.
 */
export class CompleteInstall {
  constructor(private readonly deps: InstallCollaborators) {}

  execute(callback: PipedriveCallback): TE.TaskEither<InstallError, InstallRedirect> {
    if (callback.error !== undefined) {
      return TE.left({ _tag: 'InstallDenied', at: 'pipedrive', error: callback.error });
    }
    const code = callback.code;
    if (code === undefined || code === '') return TE.left({ _tag: 'InstallCodeMissing' });
    // Marketplace-started installs carry no state; one that is present must be ours and fresh.
    const stateChecked: TE.TaskEither<InstallError, unknown> =
      callback.state === undefined
        ? TE.right(undefined)
        : checkState(this.deps.states, this.deps.used, this.deps.clock)(callback.state, 'pipedrive-install');
    return pipe(
      stateChecked,
      TE.flatMap(() => this.step('token', this.deps.pipedrive.exchangeCode(code, this.deps.settings.callbackUrl))),
      TE.bindTo('tokens'),
      TE.bind('user', ({ tokens }) =>
        this.step('identity', this.deps.pipedrive.currentUser(tokens.apiDomain, tokens.accessToken)),
      ),
      TE.bind('grant', ({ tokens }) => this.step('token', sealGrant(this.deps.cipher)(tokens, undefined, this.deps.clock.now()))),
      TE.flatMap(({ user, grant }) =>
        this.deps.links.saveInstall(
          newPendingLink({
            linkId: this.deps.ids.linkId(),
            companyId: user.companyId,
            userId: user.userId,
            vendor: this.deps.vendor.id,
            now: this.deps.clock.now(),
          }),
          grant,
          this.deps.clock.now(),
        ),
      ),
      TE.flatMap((link) => {
        const connection = this.deps.vendor.connection;
        if (connection.kind === 'none') {
          return registerAndActivate(this.deps.settings, this.deps.links, this.deps.pipedrive, this.deps.credentials, this.deps.clock)(link);
        }
        return pipe(
          this.deps.states.issue({ purpose: 'vendor-connect', linkId: link.linkId }, this.deps.clock.now()),
          TE.map((state) => {
            if (connection.kind === 'oauth') {
              return { redirectTo: connection.authorizeUrl(state, this.deps.settings.vendorCallbackUrl) };
            }
            const form = new URL(this.deps.settings.vendorKeyUrl);
            form.searchParams.set('state', state);
            return { redirectTo: form.toString() };
          }),
        );
      }),
    );
  }

  private step<A>(
    step: 'token' | 'identity',
    task: TE.TaskEither<import('../../domain/errors.js').PipedriveError, A>,
  ): TE.TaskEither<InstallError, A> {
    return pipe(
      task,
      TE.mapLeft((error): InstallError => ({ _tag: 'PipedriveStepFailed', step, error })),
    );
  }
}
