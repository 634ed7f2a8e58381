import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';

import type { LinkRepository, RefreshedGrant } from '../../../application/ports/link-repository.js';
import type { LinkAlreadyExists, StoreUnavailable } from '../../../domain/errors.js';
import type { LinkId, PipedriveId, VendorId } from '../../../domain/ids.js';
import type {
  GrantKind,
  Link,
  LinkStatus,
  PipedriveGrant,
  RefreshLease,
  VendorGrant,
} from '../../../domain/link.js';
import { later, laterEither } from './lazy.js';

/**
 * Links in this process's memory: for development and tests; lost on restart. Each method reads
 * and writes without awaiting in between, so it is as atomic as the Mongo adapter's single
 * document writes.
 */
export class MemoryLinkRepository implements LinkRepository {
  private readonly byId = new Map<string, Link>();

  findById(linkId: LinkId): TE.TaskEither<StoreUnavailable, O.Option<Link>> {
    return later(() => O.fromNullable(this.byId.get(linkId)));
  }

  findByPipedriveUser(companyId: PipedriveId, userId: PipedriveId): TE.TaskEither<StoreUnavailable, O.Option<Link>> {
    return later(() => O.fromNullable(this.userLink(companyId, userId)));
  }

  insert(link: Link): TE.TaskEither<StoreUnavailable | LinkAlreadyExists, void> {
    return laterEither(() => {
      if (this.byId.has(link.linkId)) return E.left(taken(`link ${link.linkId} already exists`));
      if (this.userLink(link.companyId, link.userId) !== undefined) {
        return E.left(taken(`company ${link.companyId} user ${link.userId} already has a link`));
      }
      this.byId.set(link.linkId, link);
      return E.right(undefined);
    });
  }

  setStatus(linkId: LinkId, status: LinkStatus, now: Date): TE.TaskEither<StoreUnavailable, O.Option<Link>> {
    return later(() => this.update(linkId, (link) => ({ ...link, status, updatedAt: now })));
  }

  saveInstall(candidate: Link, pipedrive: PipedriveGrant, now: Date): TE.TaskEither<StoreUnavailable, Link> {
    return later(() => {
      const existing = this.userLink(candidate.companyId, candidate.userId);
      if (existing === undefined) {
        // Ids come from a 128-bit random generator: a clash is a defect, not a caller's error.
        if (this.byId.has(candidate.linkId)) throw new Error(`link id ${candidate.linkId} is already taken`);
        const created: Link = {
          linkId: candidate.linkId,
          companyId: candidate.companyId,
          userId: candidate.userId,
          vendor: candidate.vendor,
          status: 'pending',
          createdAt: candidate.createdAt,
          updatedAt: now,
          pipedrive,
        };
        this.byId.set(created.linkId, created);
        return created;
      }
      // The new grant frees the refresh lease: a refresh of the old grant still in flight must not
      // overwrite it when it completes.
      const saved = withLease(
        { ...existing, pipedrive, status: existing.status === 'active' ? 'active' : 'pending', updatedAt: now },
        'pipedrive',
        undefined,
      );
      this.byId.set(saved.linkId, saved);
      return saved;
    });
  }

  setVendorGrant(
    linkId: LinkId,
    grant: VendorGrant | undefined,
    now: Date,
  ): TE.TaskEither<StoreUnavailable, O.Option<Link>> {
    // As in saveInstall: a refresh in flight must neither overwrite the new grant nor bring back a
    // removed one.
    return later(() =>
      this.update(linkId, (link) => withLease(withVendorGrant({ ...link, updatedAt: now }, grant), 'vendor', undefined)),
    );
  }

  dropGrants(linkId: LinkId, status: LinkStatus, now: Date): TE.TaskEither<StoreUnavailable, O.Option<Link>> {
    return later(() =>
      this.update(linkId, ({ pipedrive: _p, vendorGrant: _v, leases: _l, ...bare }) => ({
        ...bare,
        status,
        updatedAt: now,
      })),
    );
  }

  acquireLease(
    linkId: LinkId,
    kind: GrantKind,
    holder: string,
    now: Date,
    until: Date,
  ): TE.TaskEither<StoreUnavailable, O.Option<Link>> {
    return later(() => {
      const link = this.byId.get(linkId);
      if (link === undefined) return O.none;
      const lease = link.leases?.[kind];
      const free = lease === undefined || lease.until.getTime() <= now.getTime() || lease.holder === holder;
      if (!free) return O.none;
      const leased = withLease(link, kind, { holder, until });
      this.byId.set(linkId, leased);
      return O.some(leased);
    });
  }

  completeRefresh(
    linkId: LinkId,
    holder: string,
    refreshed: RefreshedGrant,
    now: Date,
  ): TE.TaskEither<StoreUnavailable, boolean> {
    return later(() => {
      const link = this.byId.get(linkId);
      if (link === undefined || link.leases?.[refreshed.kind]?.holder !== holder) return false;
      const withGrant: Link =
        refreshed.kind === 'pipedrive'
          ? { ...link, pipedrive: refreshed.grant, updatedAt: now }
          : { ...link, vendorGrant: refreshed.grant, updatedAt: now };
      this.byId.set(linkId, withLease(withGrant, refreshed.kind, undefined));
      return true;
    });
  }

  releaseLease(linkId: LinkId, kind: GrantKind, holder: string): TE.TaskEither<StoreUnavailable, void> {
    return later(() => {
      const link = this.byId.get(linkId);
      if (link === undefined || link.leases?.[kind]?.holder !== holder) return;
      this.byId.set(linkId, withLease(link, kind, undefined));
    });
  }

  findByVendorUserId(vendor: VendorId, vendorUserId: string): TE.TaskEither<StoreUnavailable, readonly Link[]> {
    return later(() =>
      [...this.byId.values()].filter(
        (link) => link.vendor === vendor && link.vendorGrant?.vendorUserId === vendorUserId,
      ),
    );
  }

  remove(linkId: LinkId): TE.TaskEither<StoreUnavailable, boolean> {
    return later(() => this.byId.delete(linkId));
  }

  ping(): TE.TaskEither<StoreUnavailable, void> {
    return later(() => undefined);
  }

  private update(linkId: LinkId, change: (link: Link) => Link): O.Option<Link> {
    const link = this.byId.get(linkId);
    if (link === undefined) return O.none;
    const updated = change(link);
    this.byId.set(linkId, updated);
    return O.some(updated);
  }

  private userLink(companyId: PipedriveId, userId: PipedriveId): Link | undefined {
    for (const link of this.byId.values()) {
      if (link.companyId === companyId && link.userId === userId) return link;
    }
    return undefined;
  }
}

const taken = (message: string): LinkAlreadyExists => ({ _tag: 'LinkAlreadyExists', message });

/*
 * Optional fields are left out rather than set to undefined, as the Mongo adapter reads them back:
 * both adapters hand out equal values for equal stored states.
 */

function withVendorGrant(link: Link, grant: VendorGrant | undefined): Link {
  const { vendorGrant: _old, ...rest } = link;
  return grant === undefined ? rest : { ...rest, vendorGrant: grant };
}

/** The link with the lease of `kind` set, or freed with `undefined`; no `leases` at all when none is held. */
function withLease(link: Link, kind: GrantKind, lease: RefreshLease | undefined): Link {
  const { leases, ...rest } = link;
  const pipedrive = kind === 'pipedrive' ? lease : leases?.pipedrive;
  const vendor = kind === 'vendor' ? lease : leases?.vendor;
  if (pipedrive === undefined && vendor === undefined) return rest;
  return {
    ...rest,
    leases: { ...(pipedrive === undefined ? {} : { pipedrive }), ...(vendor === undefined ? {} : { vendor }) },
  };
}
