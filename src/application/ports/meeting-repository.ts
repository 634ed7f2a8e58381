import type * as O from 'fp-ts/lib/Option.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';

import type { StoreUnavailable } from '../../domain/errors.js';
import type { LinkId, MeetingId, VendorId } from '../../domain/ids.js';
import type { Meeting } from '../../domain/meeting.js';

/**
 * A meeting taken for one change (an update or a delete): `Locked` carries the meeting as stored
 * at that moment; `Busy` means another change holds it; `Missing` that the link has no such meeting.
 */
export type MeetingLock =
  | { readonly _tag: 'Locked'; readonly meeting: Meeting }
  | { readonly _tag: 'Busy' }
  | { readonly _tag: 'Missing' };

/** Where meetings live. A meeting is only ever found through its own link. */
export interface MeetingRepository {
  insert(meeting: Meeting): TE.TaskEither<StoreUnavailable, void>;
  /** The meeting with this id AND this link; another link's meeting is `None`. Deleted ones included. */
  findForLink(linkId: LinkId, meetingId: MeetingId): TE.TaskEither<StoreUnavailable, O.Option<Meeting>>;
  /** For pages and webhooks that start from the vendor's side. */
  findByVendorRef(vendor: VendorId, vendorRef: string): TE.TaskEither<StoreUnavailable, O.Option<Meeting>>;
  /** Replaces the stored meeting of the same link and id (releasing any lock); false when there is none. */
  save(meeting: Meeting): TE.TaskEither<StoreUnavailable, boolean>;
  /**
   * Takes the meeting's change lock for `holder` until `until`, when no one holds it or the holder's
   * time is past `now`. Changes of one meeting run one at a time across every process, so the
   * vendor and the store see them in the same order.
   */
  lock(linkId: LinkId, meetingId: MeetingId, holder: string, now: Date, until: Date): TE.TaskEither<StoreUnavailable, MeetingLock>;
  /** Replaces the meeting and releases the lock in one write; false when `holder` no longer holds it. */
  saveLocked(meeting: Meeting, holder: string): TE.TaskEither<StoreUnavailable, boolean>;
  /** Releases the lock if `holder` still holds it; the meeting is unchanged. */
  unlock(linkId: LinkId, meetingId: MeetingId, holder: string): TE.TaskEither<StoreUnavailable, void>;
  /** Deletes every meeting of a link (uninstall); how many there were. */
  removeAllForLink(linkId: LinkId): TE.TaskEither<StoreUnavailable, number>;
}
export const MeetingRepository = Symbol('MeetingRepository');
