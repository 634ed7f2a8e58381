import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';

import type { LinkRepository } from '../../../application/ports/link-repository.js';
import type { LinkAlreadyExists, StoreUnavailable } from '../../../domain/errors.js';
import type { LinkId, PipedriveId } from '../../../domain/ids.js';
import type { Link, LinkStatus } from '../../../domain/link.js';
import { later, laterEither } from './lazy.js';

/** Links in this process's memory: for development and tests; lost on restart. */
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
    return later(() => {
      const link = this.byId.get(linkId);
      if (link === undefined) return O.none;
      const updated: Link = { ...link, status, updatedAt: now };
      this.byId.set(linkId, updated);
      return O.some(updated);
    });
  }

  remove(linkId: LinkId): TE.TaskEither<StoreUnavailable, boolean> {
    return later(() => this.byId.delete(linkId));
  }

  ping(): TE.TaskEither<StoreUnavailable, void> {
    return later(() => undefined);
  }

  private userLink(companyId: PipedriveId, userId: PipedriveId): Link | undefined {
    for (const link of this.byId.values()) {
      if (link.companyId === companyId && link.userId === userId) return link;
    }
    return undefined;
  }
}

const taken = (message: string): LinkAlreadyExists => ({ _tag: 'LinkAlreadyExists', message });
