import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';

import { newPendingLink } from '../../domain/link.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { LinkRepository } from '../ports/link-repository.js';
import type { OAuthStateSigner, UsedOAuthStates } from '../ports/oauth-state.js';
import type { PipedriveApi } from '../ports/pipedrive-api.js';
import type { TokenCipher } from '../ports/token-cipher.js';
import type { VideoVendor } from '../ports/video-vendor.js';
import type { InstallError, InstallRedirect } from './errors.js';
import type { InstallSettings } from './install-settings.js';
import type { PipedriveCredentials } from './pipedrive-credentials.js';
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
  constructor(
    private readonly settings: InstallSettings,
    private readonly links: LinkRepository,
    private readonly pipedrive: PipedriveApi,
    private readonly credentials: PipedriveCredentials,
    private readonly vendor: VideoVendor,
    private readonly cipher: TokenCipher,
    private readonly states: OAuthStateSigner,
    private readonly used: UsedOAuthStates,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

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
        : checkState(this.states, this.used, this.clock)(callback.state, 'pipedrive-install');
    return pipe(
      stateChecked,
      TE.flatMap(() => this.step('token', this.pipedrive.exchangeCode(code, this.settings.callbackUrl))),
      TE.bindTo('tokens'),
      TE.bind('user', ({ tokens }) =>
        this.step('identity', this.pipedrive.currentUser(tokens.apiDomain, tokens.accessToken)),
      ),
      TE.bind('grant', ({ tokens }) => this.step('token', sealGrant(this.cipher)(tokens, undefined, this.clock.now()))),
      TE.flatMap(({ user, grant }) =>
        this.links.saveInstall(
          newPendingLink({
            linkId: this.ids.linkId(),
            companyId: user.companyId,
            userId: user.userId,
            vendor: this.vendor.id,
            now: this.clock.now(),
          }),
          grant,
          this.clock.now(),
        ),
      ),
      TE.flatMap((link) => {
        const connection = this.vendor.connection;
        if (connection.kind === 'none') {
          return registerAndActivate(this.settings, this.links, this.pipedrive, this.credentials, this.clock)(link);
        }
        return pipe(
          this.states.issue({ purpose: 'vendor-connect', linkId: link.linkId }, this.clock.now()),
          TE.map((state) => {
            if (connection.kind === 'oauth') {
              return { redirectTo: connection.authorizeUrl(state, this.settings.vendorCallbackUrl) };
            }
            const form = new URL(this.settings.vendorKeyUrl);
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
