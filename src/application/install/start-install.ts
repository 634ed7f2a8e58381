import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';

import type { Clock } from '../ports/clock.js';
import type { OAuthStateSigner } from '../ports/oauth-state.js';
import type { InstallRedirect } from './errors.js';
import type { InstallSettings } from './install-settings.js';

/** The app's Installation URL: on to Pipedrive's consent screen, with a signed `state`. */
export class StartInstall {
  constructor(
    private readonly settings: InstallSettings,
    private readonly states: OAuthStateSigner,
    private readonly clock: Clock,
  ) {}

  execute(): TE.TaskEither<never, InstallRedirect> {
    return pipe(
      this.states.issue({ purpose: 'pipedrive-install' }, this.clock.now()),
      TE.map((state) => {
        const url = new URL(this.settings.pipedriveAuthorizeUrl);
        url.searchParams.set('client_id', this.settings.clientId);
        url.searchParams.set('redirect_uri', this.settings.callbackUrl);
        url.searchParams.set('state', state);
        return { redirectTo: url.toString() };
      }),
    );
  }
}
