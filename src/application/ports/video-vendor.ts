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
  /**
   * For `oauth` vendors: a usable access token of the link's grant, refreshed by the caller as
   * needed. The adapter answers `VendorTokenRejected` when the vendor refuses it.
   */
  readonly accessToken?: string;
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

/** Tokens a vendor's OAuth server gave us, plaintext: seal them before storing. */
export interface VendorTokens {
  readonly accessToken: string;
  readonly refreshToken?: string | undefined;
  readonly expiresInSeconds?: number | undefined;
  /** The user's id at the vendor, when the vendor tells it. */
  readonly vendorUserId?: string | undefined;
}

/**
 * What a vendor needs from the user at install.
 * - `none`: nothing (stub, Jitsi, a vendor keyed for the whole deployment): the install goes
 *   straight to registration with Pipedrive.
 * - `oauth`: the user authorizes us at the vendor (Zoom): we redirect there and exchange the code
 *   that comes back at `/oauth/vendor/callback`.
 * - `account_key`: the user pastes an API key of their vendor account into a small form during
 *   install; it is validated against the vendor before the link becomes active, then stored sealed
 *   and handed to each call as `VendorCall.accessToken`.
 */
export type VendorConnection =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'account_key';
      /** What the form calls the key ("Daily API key") and where the user finds it. */
      readonly keyLabel: string;
      readonly keyHelp: string;
      /**
       * Checks the key against the vendor. A key the vendor refuses is `VendorTokenRejected`; the
       * user is asked again. Anything else is the vendor failing.
       */
      validateKey(key: string, signal: AbortSignal): TE.TaskEither<VendorError, VendorTokens>;
    }
  | {
      readonly kind: 'oauth';
      authorizeUrl(state: string, redirectUri: string): string;
      exchangeCode(code: string, redirectUri: string, signal: AbortSignal): TE.TaskEither<VendorError, VendorTokens>;
      /**
       * A new token pair from the refresh token. Vendors that rotate refresh tokens (Zoom) invalidate
       * the old one here, so the caller stores the new pair before using it. A refused refresh token
       * (`invalid_grant`) is `VendorAuthorizationRevoked`.
       */
      refresh(refreshToken: string, signal: AbortSignal): TE.TaskEither<VendorError, VendorTokens>;
      /** Revokes our grant at the vendor (uninstall), where the vendor has a revoke call. */
      revoke?(tokens: VendorTokens, signal: AbortSignal): TE.TaskEither<VendorError, void>;
    };

/**
 * One video vendor. The promises every adapter keeps (checked by the vendor contract suite):
 * - `createMeeting` returns a join URL for the given details, or a tagged error; never throws for a
 *   vendor failure.
 * - `updateMeeting` of a meeting the vendor no longer has fails with `VendorMeetingGone`.
 * - `deleteMeeting` of a meeting the vendor no longer has SUCCEEDS: the caller wanted it gone.
 * - An access token the vendor refuses is `VendorTokenRejected` (the caller refreshes once and tries
 *   again); a grant that is gone for good (a refused refresh token, a missing token) is
 *   `VendorAuthorizationRevoked`; never a generic failure.
 * - An aborted `signal` ends the call promptly with `VendorTimeout`.
 */
export interface VideoVendor {
  readonly id: VendorId;
  /** How people call it: "Zoom". */
  readonly displayName: string;
  readonly connection: VendorConnection;
  createMeeting(call: VendorCall, input: NewVendorMeeting): TE.TaskEither<VendorError, VendorMeeting>;
  updateMeeting(call: VendorCall, ref: VendorMeetingRef, details: MeetingDetails): TE.TaskEither<VendorError, void>;
  deleteMeeting(call: VendorCall, ref: VendorMeetingRef): TE.TaskEither<VendorError, void>;
  /**
   * What a create for `input` may have left at the vendor when its answer never reached us (a
   * timeout, a crash between the vendor's answer and our store write): the vendor's references of
   * meetings made for it, so that the reconciler can delete them. `since` is when that create
   * started. A vendor that can carry our meeting id (in a room name, say) finds by it; one that
   * cannot matches the details among meetings created since then. Empty when there is none, and
   * for vendors with nothing at their side to clean up.
   */
  findCreated(call: VendorCall, input: NewVendorMeeting, since: Date): TE.TaskEither<VendorError, readonly string[]>;
}
export const VideoVendor = Symbol('VideoVendor');
