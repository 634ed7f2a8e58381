import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { Db } from 'mongodb';

import type { StoreUnavailable } from '../../../domain/errors.js';
import { CREATE_CLAIMS, LINKS, MEETINGS, OAUTH_STATES, PENDING_CREATES } from './documents.js';
import { guarded } from './errors.js';

/**
 * The indexes the repositories rely on. Named, so that a changed definition fails loudly
 * (IndexOptionsConflict) instead of silently adding a second index; and `createIndexes` with an
 * identical definition is a no-op on the server, so this runs at every start.
 *
 * - links (companyId, userId), unique: one link per Pipedrive user, enforced even between
 *   instances inserting at the same moment.
 * - links (vendor, vendorGrant.vendorUserId): a vendor's deauthorization notice finds that user's
 *   links without a collection scan.
 * - meetings (vendor, vendorRef), unique: lookups from the vendor's side find exactly one meeting.
 * - meetings (linkId): uninstall deletes a link's meetings without a collection scan.
 * - oauth_states (expiresAt), TTL 0: the server deletes a used state once it has expired (each
 *   document's own `expiresAt` is its deadline), so the collection holds minutes of states only.
 * - pending_creates (vendor, startedAt): the reconciler finds the oldest stale creates of its vendor.
 * - create_claims (expiresAt), TTL 0: claims on identical creates go once their window is over.
 */
export const ensureMongoIndexes = (db: Db): TE.TaskEither<StoreUnavailable, void> =>
  guarded('ensureMongoIndexes', async () => {
    await db.collection(LINKS).createIndexes([
      { key: { companyId: 1, userId: 1 }, name: 'links_company_user_unique', unique: true },
      { key: { vendor: 1, 'vendorGrant.vendorUserId': 1 }, name: 'links_vendor_user' },
    ]);
    await db.collection(MEETINGS).createIndexes([
      { key: { vendor: 1, vendorRef: 1 }, name: 'meetings_vendor_ref_unique', unique: true },
      { key: { linkId: 1 }, name: 'meetings_link' },
    ]);
    await db
      .collection(OAUTH_STATES)
      .createIndexes([{ key: { expiresAt: 1 }, name: 'oauth_states_expiry', expireAfterSeconds: 0 }]);
    await db
      .collection(PENDING_CREATES)
      .createIndexes([{ key: { vendor: 1, startedAt: 1 }, name: 'pending_creates_vendor_started' }]);
    await db
      .collection(CREATE_CLAIMS)
      .createIndexes([{ key: { expiresAt: 1 }, name: 'create_claims_expiry', expireAfterSeconds: 0 }]);
  });
