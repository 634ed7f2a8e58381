import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { Collection, Db } from 'mongodb';

import type { LinkRepository } from '../../../application/ports/link-repository.js';
import type { LinkAlreadyExists, StoreUnavailable } from '../../../domain/errors.js';
import type { LinkId, PipedriveId } from '../../../domain/ids.js';
import type { Link, LinkStatus } from '../../../domain/link.js';
import { decodeLink, LINKS, type LinkDocument, toLinkDocument } from './documents.js';
import { guarded, isDuplicateKey, toStoreUnavailable } from './errors.js';

/**
 * Links in MongoDB. Uniqueness of the id and of the (company, user) pair is the server's job
 * (primary key and a unique index, see `ensureMongoIndexes`), so two instances inserting at once
 * cannot both win.
 */
export class MongoLinkRepository implements LinkRepository {
  private readonly links: Collection<LinkDocument>;

  constructor(private readonly db: Db) {
    this.links = db.collection<LinkDocument>(LINKS);
  }

  findById(linkId: LinkId): TE.TaskEither<StoreUnavailable, O.Option<Link>> {
    return guarded(`${LINKS}.findById`, async () =>
      O.map(decodeLink)(O.fromNullable(await this.links.findOne({ _id: linkId }))),
    );
  }

  findByPipedriveUser(companyId: PipedriveId, userId: PipedriveId): TE.TaskEither<StoreUnavailable, O.Option<Link>> {
    return guarded(`${LINKS}.findByPipedriveUser`, async () =>
      O.map(decodeLink)(O.fromNullable(await this.links.findOne({ companyId, userId }))),
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
    return guarded(`${LINKS}.setStatus`, async () =>
      O.map(decodeLink)(
        O.fromNullable(
          await this.links.findOneAndUpdate(
            { _id: linkId },
            { $set: { status, updatedAt: now } },
            { returnDocument: 'after' },
          ),
        ),
      ),
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
}
