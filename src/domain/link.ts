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

export interface Link {
  readonly linkId: LinkId;
  readonly companyId: PipedriveId;
  readonly userId: PipedriveId;
  readonly vendor: VendorId;
  readonly status: LinkStatus;
  readonly createdAt: Date;
  readonly updatedAt: Date;
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
