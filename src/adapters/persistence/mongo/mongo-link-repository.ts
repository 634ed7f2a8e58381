import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { Collection, Db, UpdateFilter, WithId } from 'mongodb';

import type { LinkRepository, RefreshedGrant } from '../../../application/ports/link-repository.js';
import type { LinkAlreadyExists, StoreUnavailable } from '../../../domain/errors.js';
import type { LinkId, PipedriveId, VendorId } from '../../../domain/ids.js';
import type { GrantKind, Link, LinkStatus, PipedriveGrant, VendorGrant } from '../../../domain/link.js';
import {
  decodeLink,
  leaseFields,
  LINKS,
  type LinkDocument,
  pipedriveGrantFields,
  toLinkDocument,
  vendorGrantFields,
} from './documents.js';
import { guarded, isDuplicateKey, toStoreUnavailable } from './errors.js';

/** Where the refresh lease of each grant kind lives in a link document. */
const LEASE = { pipedrive: 'leases.pipedrive', vendor: 'leases.vendor' } as const satisfies Record<GrantKind, string>;
const LEASE_HOLDER = {
  pipedrive: 'leases.pipedrive.holder',
  vendor: 'leases.vendor.holder',
} as const satisfies Record<GrantKind, string>;
const LEASE_UNTIL = {
  pipedrive: 'leases.pipedrive.until',
  vendor: 'leases.vendor.until',
} as const satisfies Record<GrantKind, string>;

/**
 * Links in MongoDB. Uniqueness of the id and of the (company, user) pair is the server's job
 * (primary key and a unique index, see `ensureMongoIndexes`), so two instances inserting at once
 * cannot both win. Every write is one single-document operation whose filter states the condition
 * it relies on (the user's link not active, the lease free or ours), so no read-then-write race
 * exists between instances.
 */
export class MongoLinkRepository implements LinkRepository {
  private readonly links: Collection<LinkDocument>;

  constructor(private readonly db: Db) {
    this.links = db.collection<LinkDocument>(LINKS);
  }

  findById(linkId: LinkId): TE.TaskEither<StoreUnavailable, O.Option<Link>> {
    return guarded(`${LINKS}.findById`, async () => optionalLink(await this.links.findOne({ _id: linkId })));
  }

  findByPipedriveUser(companyId: PipedriveId, userId: PipedriveId): TE.TaskEither<StoreUnavailable, O.Option<Link>> {
    return guarded(`${LINKS}.findByPipedriveUser`, async () =>
      optionalLink(await this.links.findOne({ companyId, userId })),
    );
  }

  insert(link: Link): TE.TaskEither<StoreUnavailable | LinkAlreadyExists, void> {
    return async () => {
      try {
        await this.links.insertOne(toLinkDocument(link));
        return E.right(undefined);
      } catch (error) {
        // Either key may be the one taken (the stand-in test server does not report which), and
        // the caller's remedy is the same, so the message names both.
        if (isDuplicateKey(error)) {
          return E.left<LinkAlreadyExists>({
            _tag: 'LinkAlreadyExists',
            message: `link ${link.linkId}, or a link of company ${link.companyId} user ${link.userId}, already exists`,
          });
        }
        return E.left(toStoreUnavailable(`${LINKS}.insert`, error));
      }
    };
  }

  setStatus(linkId: LinkId, status: LinkStatus, now: Date): TE.TaskEither<StoreUnavailable, O.Option<Link>> {
    return guarded(`${LINKS}.setStatus`, () => this.updateLink(linkId, { $set: { status, updatedAt: now } }));
  }

  saveInstall(candidate: Link, pipedrive: PipedriveGrant, now: Date): TE.TaskEither<StoreUnavailable, Link> {
    return guarded(`${LINKS}.saveInstall`, async () => {
      try {
        return await this.saveInstallOnce(candidate, pipedrive, now);
      } catch (error) {
        // Between our two writes another instance inserted this user's link, or activated it: the
        // upsert then tried to insert a second link and the unique (company, user) index refused
        // it. Running both writes again finds that link.
        if (!isDuplicateKey(error)) throw error;
      }
      try {
        return await this.saveInstallOnce(candidate, pipedrive, now);
      } catch (error) {
        // Once only: a second clash is not that race but the candidate's id being another user's
        // link. Ids are 128-bit random, so that is a defect (as in the memory adapter), not the
        // store failing.
        if (isDuplicateKey(error)) {
          throw new Error(
            `${LINKS}.saveInstall: link ${candidate.linkId} clashes with a stored link: ${error.message}`,
          );
        }
        throw error;
      }
    });
  }

  /**
   * The install's status rule (an active link stays active, any other becomes pending) would be one
   * upsert with a `$cond` in a pipeline update, which the stand-in test server cannot run. So it is
   * two single-document writes whose filters split the cases: first an active link just gets the
   * grant; only if there is none, an upsert on "this user's link, not active" sets the grant and
   * `pending`, or creates the link from the candidate. Each write is atomic; the window between
   * them is closed by the unique index (see `saveInstall`'s retry). A new grant also frees the
   * Pipedrive refresh lease, so that a refresh of the old grant still in flight cannot overwrite it.
   */
  private async saveInstallOnce(candidate: Link, pipedrive: PipedriveGrant, now: Date): Promise<Link> {
    const user = { companyId: candidate.companyId, userId: candidate.userId };
    const grant = { pipedrive: pipedriveGrantFields(pipedrive), updatedAt: now };
    const freeLease = { [LEASE.pipedrive]: '' } as const;

    const active = await this.links.findOneAndUpdate(
      { ...user, status: 'active' },
      { $set: grant, $unset: freeLease },
      { returnDocument: 'after' },
    );
    if (active !== null) return decodeLink(active);

    const saved = await this.links.findOneAndUpdate(
      { ...user, status: { $ne: 'active' } },
      {
        $set: { ...grant, status: 'pending' },
        $unset: freeLease,
        $setOnInsert: {
          _id: candidate.linkId,
          linkId: candidate.linkId,
          vendor: candidate.vendor,
          createdAt: candidate.createdAt,
        },
      },
      { upsert: true, returnDocument: 'after' },
    );
    if (saved === null) throw new Error(`${LINKS}.saveInstall: an upsert returned no document`);
    return decodeLink(saved);
  }

  setVendorGrant(
    linkId: LinkId,
    grant: VendorGrant | undefined,
    now: Date,
  ): TE.TaskEither<StoreUnavailable, O.Option<Link>> {
    // The vendor refresh lease goes with the old grant: a refresh in flight must neither overwrite
    // the new grant nor bring back a removed one.
    const update: UpdateFilter<LinkDocument> =
      grant === undefined
        ? { $set: { updatedAt: now }, $unset: { vendorGrant: '', [LEASE.vendor]: '' } }
        : { $set: { vendorGrant: vendorGrantFields(grant), updatedAt: now }, $unset: { [LEASE.vendor]: '' } };
    return guarded(`${LINKS}.setVendorGrant`, () => this.updateLink(linkId, update));
  }

  dropGrants(linkId: LinkId, status: LinkStatus, now: Date): TE.TaskEither<StoreUnavailable, O.Option<Link>> {
    return guarded(`${LINKS}.dropGrants`, () =>
      this.updateLink(linkId, {
        $set: { status, updatedAt: now },
        $unset: { pipedrive: '', vendorGrant: '', leases: '' },
      }),
    );
  }

  acquireLease(
    linkId: LinkId,
    kind: GrantKind,
    holder: string,
    now: Date,
    until: Date,
  ): TE.TaskEither<StoreUnavailable, O.Option<Link>> {
    // `updatedAt` stays: a lease is who is working on the link, not a change to it.
    return guarded(`${LINKS}.acquireLease`, async () =>
      optionalLink(
        await this.links.findOneAndUpdate(
          {
            _id: linkId,
            $or: [
              { [LEASE[kind]]: { $exists: false } },
              { [LEASE_UNTIL[kind]]: { $lte: now } },
              { [LEASE_HOLDER[kind]]: holder },
            ],
          },
          { $set: { [LEASE[kind]]: leaseFields({ holder, until }) } },
          { returnDocument: 'after' },
        ),
      ),
    );
  }

  completeRefresh(
    linkId: LinkId,
    holder: string,
    refreshed: RefreshedGrant,
    now: Date,
  ): TE.TaskEither<StoreUnavailable, boolean> {
    const grant =
      refreshed.kind === 'pipedrive'
        ? { pipedrive: pipedriveGrantFields(refreshed.grant) }
        : { vendorGrant: vendorGrantFields(refreshed.grant) };
    return guarded(`${LINKS}.completeRefresh`, async () => {
      const result = await this.links.updateOne(
        { _id: linkId, [LEASE_HOLDER[refreshed.kind]]: holder },
        { $set: { ...grant, updatedAt: now }, $unset: { [LEASE[refreshed.kind]]: '' } },
      );
      return result.matchedCount === 1;
    });
  }

  releaseLease(linkId: LinkId, kind: GrantKind, holder: string): TE.TaskEither<StoreUnavailable, void> {
    return guarded(`${LINKS}.releaseLease`, async () => {
      await this.links.updateOne({ _id: linkId, [LEASE_HOLDER[kind]]: holder }, { $unset: { [LEASE[kind]]: '' } });
    });
  }

  findByVendorUserId(vendor: VendorId, vendorUserId: string): TE.TaskEither<StoreUnavailable, readonly Link[]> {
    return guarded(`${LINKS}.findByVendorUserId`, async () =>
      (await this.links.find({ vendor, 'vendorGrant.vendorUserId': vendorUserId }).toArray()).map(decodeLink),
    );
  }

  remove(linkId: LinkId): TE.TaskEither<StoreUnavailable, boolean> {
    return guarded(`${LINKS}.remove`, async () => (await this.links.deleteOne({ _id: linkId })).deletedCount === 1);
  }

  ping(): TE.TaskEither<StoreUnavailable, void> {
    return guarded('ping', async () => {
      await this.db.command({ ping: 1 });
    });
  }

  /** Updates one link by id and answers it as stored afterwards; `None` when there is none. */
  private async updateLink(linkId: LinkId, update: UpdateFilter<LinkDocument>): Promise<O.Option<Link>> {
    return optionalLink(await this.links.findOneAndUpdate({ _id: linkId }, update, { returnDocument: 'after' }));
  }
}

const optionalLink = (doc: WithId<LinkDocument> | null): O.Option<Link> => O.map(decodeLink)(O.fromNullable(doc));
