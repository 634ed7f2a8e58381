import * as A from 'fp-ts/lib/Array.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';

import type { StoreUnavailable } from '../../domain/errors.js';
import type { LinkRepository } from '../ports/link-repository.js';
import type { VideoVendor } from '../ports/video-vendor.js';
import type { DisconnectLink } from './disconnect-link.js';

/**
 * The vendor tells us a user withdrew our access (Zoom's `app_deauthorized`): every link of that
 * vendor user is disconnected, so their calls answer "reconnect" until they install again.
 * Idempotent: a user with no connected link is a no-op.
 */
export class DeauthorizeVendorUser {
  constructor(
    private readonly links: LinkRepository,
    private readonly vendor: VideoVendor,
    private readonly disconnect: DisconnectLink,
  ) {}

  execute(vendorUserId: string): TE.TaskEither<StoreUnavailable, { readonly disconnected: number }> {
    return pipe(
      this.links.findByVendorUserId(this.vendor.id, vendorUserId),
      TE.flatMap((found) =>
        pipe(
          [...found],
          A.traverse(TE.ApplicativeSeq)((link) => this.disconnect.execute(link.linkId, `${this.vendor.displayName} deauthorized the app`)),
        ),
      ),
      TE.map((done) => ({ disconnected: done.length })),
    );
  }
}
