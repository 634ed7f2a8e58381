import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';

import type { StoreUnavailable } from '../../domain/errors.js';
import type { PipedriveId } from '../../domain/ids.js';
import type { Link } from '../../domain/link.js';
import type { VendorCredentials } from '../credentials/vendor-credentials.js';
import type { LinkRepository } from '../ports/link-repository.js';
import type { Logger } from '../ports/logger.js';
import type { MeetingRepository } from '../ports/meeting-repository.js';
import type { VideoVendor } from '../ports/video-vendor.js';

/** How long revoking our grant at the vendor may take during an uninstall. */
const REVOKE_BUDGET_MS = 5_000;

/**
 * Pipedrive says the user uninstalled the app: everything we hold for them goes (tokens, meetings,
 * the link), and our grant at the vendor is revoked where the vendor can. Idempotent: an unknown
 * user is already uninstalled. The vendor revoke is best effort: the user's data must go even when
 * the vendor is down, and their grant there is useless to anyone without our tokens.
 */
export class Uninstall {
  constructor(
    private readonly links: LinkRepository,
    private readonly meetings: MeetingRepository,
    private readonly vendor: VideoVendor,
    private readonly logger: Logger,
    /** For vendors with an OAuth connection: a usable token to revoke with. */
    private readonly credentials?: VendorCredentials,
  ) {}

  execute(companyId: PipedriveId, userId: PipedriveId): TE.TaskEither<StoreUnavailable, { readonly removed: boolean }> {
    return pipe(
      this.links.findByPipedriveUser(companyId, userId),
      TE.flatMap(
        O.match(
          (): TE.TaskEither<StoreUnavailable, { readonly removed: boolean }> => TE.right({ removed: false }),
          (link) =>
            pipe(
              TE.fromTask(() => this.revokeAtVendor(link)),
              TE.flatMap(() => this.meetings.removeAllForLink(link.linkId)),
              TE.flatMap((meetings) =>
                pipe(
                  this.links.remove(link.linkId),
                  TE.map(() => {
                    this.logger.info({ linkId: link.linkId, meetings }, 'uninstalled: link and its meetings removed');
                    return { removed: true };
                  }),
                ),
              ),
            ),
        ),
      ),
    );
  }

  /**
   * Revokes with a usable token: a stored access token may have expired (Zoom's last an hour), so
   * it goes through the credentials keeper, which refreshes it when needed.
   */
  private async revokeAtVendor(link: Link): Promise<void> {
    const connection = this.vendor.connection;
    if (connection.kind !== 'oauth' || connection.revoke === undefined || link.vendorGrant === undefined) return;
    if (this.credentials === undefined) {
      this.logger.warn({ linkId: link.linkId }, 'no vendor credentials keeper; the vendor grant was not revoked');
      return;
    }
    const accessToken = await this.credentials.access(link.linkId)();
    if (E.isLeft(accessToken)) {
      this.logger.warn({ linkId: link.linkId, failure: accessToken.left._tag }, 'no usable vendor token; the grant was not revoked');
      return;
    }
    const revoked = await connection.revoke({ accessToken: accessToken.right }, AbortSignal.timeout(REVOKE_BUDGET_MS))();
    if (E.isLeft(revoked)) {
      this.logger.warn({ linkId: link.linkId, vendorError: revoked.left._tag }, 'could not revoke the vendor grant; removed it anyway');
    }
  }
}
