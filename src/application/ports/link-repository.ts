import type * as O from 'fp-ts/lib/Option.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';

import type { LinkAlreadyExists, StoreUnavailable } from '../../domain/errors.js';
import type { LinkId, PipedriveId } from '../../domain/ids.js';
import type { Link, LinkStatus } from '../../domain/link.js';

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
  /** Deletes the link; true when there was one. */
  remove(linkId: LinkId): TE.TaskEither<StoreUnavailable, boolean>;
  /** Answers when the store is reachable; for readiness probes. */
  ping(): TE.TaskEither<StoreUnavailable, void>;
}
export const LinkRepository = Symbol('LinkRepository');
