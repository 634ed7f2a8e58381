import type * as TE from 'fp-ts/lib/TaskEither.js';

import type { VendorError } from '../../domain/errors.js';
import type { MeetingId, VendorId } from '../../domain/ids.js';
import type { Link } from '../../domain/link.js';
import type { MeetingDetails } from '../../domain/meeting-details.js';

/** Who a vendor call is made for, and until when it may run. */
export interface VendorCall {
  readonly link: Link;
  /** Aborted when the caller's budget is spent; adapters pass it to their HTTP client. */
  readonly signal: AbortSignal;
}

export interface NewVendorMeeting {
  /** Our id of the meeting being created, known before the vendor is called. */
  readonly meetingId: MeetingId;
  readonly details: MeetingDetails;
}

export interface VendorMeeting {
  /** The vendor's own reference, whatever it uses to update and delete the meeting later. */
  readonly vendorRef: string;
  readonly joinUrl: string;
  readonly password?: string | undefined;
  /** The vendor's own invitation text; when absent the default invitation is used. */
  readonly invitation?: string | undefined;
}

export interface VendorMeetingRef {
  readonly meetingId: MeetingId;
  readonly vendorRef: string;
}

/**
 * One video vendor. The promises every adapter keeps (checked by the vendor contract suite):
 * - `createMeeting` returns a join URL for the given details, or a tagged error; never throws for a
 *   vendor failure.
 * - `updateMeeting` of a meeting the vendor no longer has fails with `VendorMeetingGone`.
 * - `deleteMeeting` of a meeting the vendor no longer has SUCCEEDS: the caller wanted it gone.
 * - A revoked or refused grant is `VendorAuthorizationRevoked`, never a generic failure.
 * - An aborted `signal` ends the call promptly with `VendorTimeout`.
 */
export interface VideoVendor {
  readonly id: VendorId;
  /** How people call it: "Zoom". */
  readonly displayName: string;
  createMeeting(call: VendorCall, input: NewVendorMeeting): TE.TaskEither<VendorError, VendorMeeting>;
  updateMeeting(call: VendorCall, ref: VendorMeetingRef, details: MeetingDetails): TE.TaskEither<VendorError, void>;
  deleteMeeting(call: VendorCall, ref: VendorMeetingRef): TE.TaskEither<VendorError, void>;
}
export const VideoVendor = Symbol('VideoVendor');
