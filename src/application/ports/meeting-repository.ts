import type * as O from 'fp-ts/lib/Option.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';

import type { StoreUnavailable } from '../../domain/errors.js';
import type { LinkId, MeetingId, VendorId } from '../../domain/ids.js';
import type { Meeting } from '../../domain/meeting.js';

/** Where meetings live. A meeting is only ever found through its own link. */
export interface MeetingRepository {
  insert(meeting: Meeting): TE.TaskEither<StoreUnavailable, void>;
  /** The meeting with this id AND this link; another link's meeting is `None`. Deleted ones included. */
  findForLink(linkId: LinkId, meetingId: MeetingId): TE.TaskEither<StoreUnavailable, O.Option<Meeting>>;
  /** For pages and webhooks that start from the vendor's side. */
  findByVendorRef(vendor: VendorId, vendorRef: string): TE.TaskEither<StoreUnavailable, O.Option<Meeting>>;
  /** Replaces the stored meeting of the same link and id; false when there is none. */
  save(meeting: Meeting): TE.TaskEither<StoreUnavailable, boolean>;
  /** Deletes every meeting of a link (uninstall); how many there were. */
  removeAllForLink(linkId: LinkId): TE.TaskEither<StoreUnavailable, number>;
}
export const MeetingRepository = Symbol('MeetingRepository');
