import type { LinkId } from './ids.js';

/**
 * Everything that can go wrong that a caller can act on, as tagged values. Anything else is a
 * defect and is thrown. Each union is closed so that the HTTP edge's mapping is checked for
 * exhaustiveness by the compiler.
 */

export interface LinkNotFound {
  readonly _tag: 'LinkNotFound';
  readonly linkId: string;
  readonly reason: 'malformed' | 'unknown';
}
export interface LinkNeedsReauthorization {
  readonly _tag: 'LinkNeedsReauthorization';
  readonly linkId: LinkId;
}
export interface MeetingNotFound {
  readonly _tag: 'MeetingNotFound';
  readonly meetingId: string;
  readonly reason: 'malformed' | 'unknown' | 'deleted' | 'gone_at_vendor';
}

/** The vendor answered with a refusal we cannot fix by retrying (4xx other than auth/limits). */
export interface VendorRejected {
  readonly _tag: 'VendorRejected';
  readonly message: string;
}
/** The vendor failed (5xx, network error, an answer we could not decode). */
export interface VendorUnavailable {
  readonly _tag: 'VendorUnavailable';
  readonly message: string;
}
export interface VendorTimeout {
  readonly _tag: 'VendorTimeout';
  readonly message: string;
}
export interface VendorRateLimited {
  readonly _tag: 'VendorRateLimited';
  readonly message: string;
  /** Seconds until a retry may succeed, when known (said by the vendor, or known from its rules). */
  readonly retryAfterSeconds?: number;
}
/** The vendor no longer accepts this link's grant: the user has to reconnect. */
export interface VendorAuthorizationRevoked {
  readonly _tag: 'VendorAuthorizationRevoked';
  readonly message: string;
}
/**
 * The vendor refused our access token (Zoom's code 124): the caller refreshes the grant once and
 * tries once more; a token refused again means the grant is gone.
 */
export interface VendorTokenRejected {
  readonly _tag: 'VendorTokenRejected';
  readonly message: string;
}
/** The vendor no longer has the meeting (deleted there). */
export interface VendorMeetingGone {
  readonly _tag: 'VendorMeetingGone';
  readonly message: string;
}

export type VendorError =
  | VendorRejected
  | VendorUnavailable
  | VendorTimeout
  | VendorRateLimited
  | VendorAuthorizationRevoked
  | VendorTokenRejected
  | VendorMeetingGone;

export interface StoreUnavailable {
  readonly _tag: 'StoreUnavailable';
  readonly message: string;
}

/** A unique key (link id, or company and user) is already taken. */
export interface LinkAlreadyExists {
  readonly _tag: 'LinkAlreadyExists';
  readonly message: string;
}

export const linkNotFound = (linkId: string, reason: LinkNotFound['reason']): LinkNotFound => ({
  _tag: 'LinkNotFound',
  linkId,
  reason,
});
export const meetingNotFound = (
  meetingId: string,
  reason: MeetingNotFound['reason'],
): MeetingNotFound => ({ _tag: 'MeetingNotFound', meetingId, reason });
export const storeUnavailable = (message: string): StoreUnavailable => ({
  _tag: 'StoreUnavailable',
  message,
});
export const linkNeedsReauthorization = (linkId: LinkId): LinkNeedsReauthorization => ({
  _tag: 'LinkNeedsReauthorization',
  linkId,
});

/** Pipedrive's OAuth server or API refused or failed. */
export type PipedriveError =
  /** `invalid_grant` at the token endpoint: the code or refresh token is expired, used or revoked. */
  | { readonly _tag: 'PipedriveInvalidGrant'; readonly message: string }
  /** 401 from the API: the access token is not (or no longer) accepted. */
  | { readonly _tag: 'PipedriveUnauthorized'; readonly message: string }
  /** Any other 4xx: Pipedrive understood and said no (scope missing, bad redirect URI, ...). */
  | { readonly _tag: 'PipedriveRejected'; readonly status: number; readonly message: string }
  /** 5xx, a network failure, or an answer we could not decode. */
  | { readonly _tag: 'PipedriveUnavailable'; readonly message: string }
  | { readonly _tag: 'PipedriveTimeout'; readonly message: string };

/** A stored secret that cannot be opened: its key was removed from configuration, or it was altered. */
export interface SecretUnreadable {
  readonly _tag: 'SecretUnreadable';
  readonly message: string;
}
