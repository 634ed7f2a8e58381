import type * as O from 'fp-ts/lib/Option.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';

import type { LinkAlreadyExists, StoreUnavailable } from '../../domain/errors.js';
import type { LinkId, PipedriveId, VendorId } from '../../domain/ids.js';
import type { GrantKind, Link, LinkStatus, PipedriveGrant, VendorGrant } from '../../domain/link.js';

/** A finished grant refresh, to store in place of the old grant of the same kind. */
export type RefreshedGrant =
  | { readonly kind: 'pipedrive'; readonly grant: PipedriveGrant }
  | { readonly kind: 'vendor'; readonly grant: VendorGrant };

/**
 * Where links live. Every operation is a single-document atomic write, so the same adapter is safe
 * with several instances of the service running against one database.
 */
export interface LinkRepository {
  findById(linkId: LinkId): TE.TaskEither<StoreUnavailable, O.Option<Link>>;
  findByPipedriveUser(
    companyId: PipedriveId,
    userId: PipedriveId,
  ): TE.TaskEither<StoreUnavailable, O.Option<Link>>;
  /** Fails with `LinkAlreadyExists` when the link id or the (company, user) pair is taken. */
  insert(link: Link): TE.TaskEither<StoreUnavailable | LinkAlreadyExists, void>;
  /** Sets the status of an existing link; `None` when there is no such link. */
  setStatus(
    linkId: LinkId,
    status: LinkStatus,
    now: Date,
  ): TE.TaskEither<StoreUnavailable, O.Option<Link>>;
  /**
   * The install step, atomic: the link of (company, user) gets `pipedrive` as its grant. A new
   * user's link is created from `candidate` (its id, vendor, createdAt) as `pending`; an existing
   * link keeps its id and creation time, its status stays `active` if it was, else becomes `pending`.
   */
  saveInstall(candidate: Link, pipedrive: PipedriveGrant, now: Date): TE.TaskEither<StoreUnavailable, Link>;
  /** Sets (or, with `undefined`, removes) the vendor grant; `None` when there is no such link. */
  setVendorGrant(linkId: LinkId, grant: VendorGrant | undefined, now: Date): TE.TaskEither<StoreUnavailable, O.Option<Link>>;
  /**
   * Removes both grants and sets the status, in one write (a disconnect): nothing usable is left
   * behind. `None` when there is no such link.
   */
  dropGrants(linkId: LinkId, status: LinkStatus, now: Date): TE.TaskEither<StoreUnavailable, O.Option<Link>>;
  /**
   * Takes the refresh lease of one grant kind for `holder` until `until`, if it is free or expired
   * (or already `holder`'s). `Some(link)` (as stored after taking it) when taken; `None` when
   * another holder has it or there is no such link.
   */
  acquireLease(linkId: LinkId, kind: GrantKind, holder: string, now: Date, until: Date): TE.TaskEither<StoreUnavailable, O.Option<Link>>;
  /**
   * Stores the refreshed grant and frees the lease, only while `holder` still holds it; false
   * (nothing written) when the lease was lost.
   */
  completeRefresh(linkId: LinkId, holder: string, refreshed: RefreshedGrant, now: Date): TE.TaskEither<StoreUnavailable, boolean>;
  /** Frees the lease of `kind` if `holder` holds it. */
  releaseLease(linkId: LinkId, kind: GrantKind, holder: string): TE.TaskEither<StoreUnavailable, void>;
  /** Every link whose vendor grant belongs to this user at the vendor (deauthorization notices). */
  findByVendorUserId(vendor: VendorId, vendorUserId: string): TE.TaskEither<StoreUnavailable, readonly Link[]>;
  /** Deletes the link; true when there was one. */
  remove(linkId: LinkId): TE.TaskEither<StoreUnavailable, boolean>;
  /** Answers when the store is reachable; for readiness probes. */
  ping(): TE.TaskEither<StoreUnavailable, void>;
}
export const LinkRepository = Symbol('LinkRepository');
