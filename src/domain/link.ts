import type { LinkId, PipedriveId, VendorId } from './ids.js';

/**
 * A link is one Pipedrive user's connection to this deployment's vendor. Pipedrive addresses it as
 * `:linkId` in every reverse-API call.
 *
 * - `pending`: created during install, not yet registered with Pipedrive; not usable.
 * - `active`: registered; the reverse API serves it.
 * - `needs_reauth`: the vendor no longer accepts our grant; the user must reconnect (re-install).
 * - `removed`: uninstalled; kept only until its data is deleted.
 */
export type LinkStatus = 'pending' | 'active' | 'needs_reauth' | 'removed';

export interface SealedSecretBrand {
  readonly SealedSecret: unique symbol;
}
/**
 * A secret (an OAuth token) as it is stored: encrypted (a JWE compact string). Only the
 * `TokenCipher` port turns it back into the secret; the store never sees the plaintext.
 */
export type SealedSecret = string & SealedSecretBrand;

/** Our authorization to call Pipedrive's API for this user. */
export interface PipedriveGrant {
  /** Where the user's company is served, with scheme: `https://acme.pipedrive.com`. */
  readonly apiDomain: string;
  readonly accessToken: SealedSecret;
  readonly refreshToken: SealedSecret;
  /** When the access token stops working. */
  readonly expiresAt: Date;
}

/** Our authorization to act at the vendor for this user, for vendors that need one (Zoom). */
export interface VendorGrant {
  readonly accessToken: SealedSecret;
  readonly refreshToken?: SealedSecret;
  readonly expiresAt?: Date;
  /** The user's id at the vendor, to match the vendor's own notifications (deauthorization). */
  readonly vendorUserId?: string;
}

export type GrantKind = 'pipedrive' | 'vendor';

/**
 * Who may refresh a grant right now, and until when. Stored with the link so that one refresh at a
 * time holds across every process sharing the store; an expired lease is free to take.
 */
export interface RefreshLease {
  readonly holder: string;
  readonly until: Date;
}

export interface Link {
  readonly linkId: LinkId;
  readonly companyId: PipedriveId;
  readonly userId: PipedriveId;
  readonly vendor: VendorId;
  readonly status: LinkStatus;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly pipedrive?: PipedriveGrant;
  readonly vendorGrant?: VendorGrant;
  readonly leases?: { readonly pipedrive?: RefreshLease; readonly vendor?: RefreshLease };
}

export interface NewLinkInput {
  readonly linkId: LinkId;
  readonly companyId: PipedriveId;
  readonly userId: PipedriveId;
  readonly vendor: VendorId;
  readonly now: Date;
}

/** A link as install starts it: known, but not yet usable. */
export function newPendingLink(input: NewLinkInput): Link {
  return {
    linkId: input.linkId,
    companyId: input.companyId,
    userId: input.userId,
    vendor: input.vendor,
    status: 'pending',
    createdAt: input.now,
    updatedAt: input.now,
  };
}

export function withLinkStatus(link: Link, status: LinkStatus, now: Date): Link {
  return { ...link, status, updatedAt: now };
}

/** What the reverse API may do with a link, decided in one place. */
export type LinkUsability = 'usable' | 'unknown' | 'needs_reauth';

export function linkUsability(link: Link, vendor: VendorId): LinkUsability {
  // A link of another vendor is treated as unknown: one deployment serves one vendor, and its ids
  // must not leak into another deployment sharing the same database by mistake.
  if (link.vendor !== vendor) return 'unknown';
  switch (link.status) {
    case 'active':
      return 'usable';
    case 'needs_reauth':
      return 'needs_reauth';
    case 'pending':
    case 'removed':
      return 'unknown';
  }
}
