import type * as TE from 'fp-ts/lib/TaskEither.js';

import type { StoreUnavailable } from '../../domain/errors.js';
import type { LinkId, MeetingId, VendorId } from '../../domain/ids.js';
import type { MeetingDetails } from '../../domain/meeting-details.js';

/**
 * A create that has called, or is about to call, the vendor and has not yet been settled: the
 * meeting is neither stored nor known to be absent at the vendor. Written before the vendor call,
 * so that a process dying in between leaves a trace the reconciler can follow.
 */
export interface PendingCreate {
  readonly meetingId: MeetingId;
  readonly linkId: LinkId;
  readonly vendor: VendorId;
  readonly details: MeetingDetails;
  readonly startedAt: Date;
}

/** The journal of creates under way. */
export interface PendingCreates {
  record(pending: PendingCreate): TE.TaskEither<StoreUnavailable, void>;
  /** The create is over: its meeting is stored, or nothing of it is left at the vendor. */
  settle(meetingId: MeetingId): TE.TaskEither<StoreUnavailable, void>;
  /**
   * Takes, for `holder` until `until`, up to `limit` pending creates of `vendor` started before
   * `startedBefore` that no other holder has (or whose holder's time is past `now`). Each is taken
   * by one holder at a time, so several instances can reconcile side by side.
   */
  takeStale(
    vendor: VendorId,
    startedBefore: Date,
    holder: string,
    now: Date,
    until: Date,
    limit: number,
  ): TE.TaskEither<StoreUnavailable, readonly PendingCreate[]>;
}
export const PendingCreates = Symbol('PendingCreates');
