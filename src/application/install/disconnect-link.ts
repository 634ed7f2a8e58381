import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';

import type { StoreUnavailable } from '../../domain/errors.js';
import type { LinkId } from '../../domain/ids.js';
import type { Link } from '../../domain/link.js';
import type { Clock } from '../ports/clock.js';
import type { LinkRepository } from '../ports/link-repository.js';
import type { Logger } from '../ports/logger.js';
import type { PipedriveApi } from '../ports/pipedrive-api.js';
import type { PipedriveCredentials } from './pipedrive-credentials.js';

/**
 * Ends a link from our side (the vendor revoked our access, say): its userProviderLink is removed
 * at Pipedrive first, while we still hold a token to do it with, then both grants are dropped and
 * the link flagged, so any later call answers "reconnect" and a re-install repairs it.
 */
export class DisconnectLink {
  constructor(
    private readonly links: LinkRepository,
    private readonly pipedrive: PipedriveApi,
    private readonly credentials: PipedriveCredentials,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  execute(linkId: LinkId, reason: string): TE.TaskEither<StoreUnavailable, O.Option<Link>> {
    return pipe(
      TE.fromTask(() =>
        this.credentials.withAccess(linkId, (access) =>
          this.pipedrive.deleteUserProviderLink(access.apiDomain, access.accessToken, linkId),
        )(),
      ),
      TE.flatMap((unregistered) => {
        if (E.isLeft(unregistered)) {
          this.logger.warn(
            { linkId, reason, failure: unregistered.left._tag },
            'could not remove the userProviderLink at Pipedrive; dropping the grants anyway',
          );
        }
        return this.links.dropGrants(linkId, 'needs_reauth', this.clock.now());
      }),
      TE.map((link) => {
        this.logger.info({ linkId, reason }, 'link disconnected');
        return link;
      }),
    );
  }
}
