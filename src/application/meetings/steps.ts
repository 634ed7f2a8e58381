import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';

import {
  type LinkNeedsReauthorization,
  type LinkNotFound,
  linkNeedsReauthorization,
  linkNotFound,
  meetingNotFound,
  type MeetingNotFound,
  type StoreUnavailable,
  type VendorError,
  type VendorTimeout,
} from '../../domain/errors.js';
import type { LinkId, MeetingId } from '../../domain/ids.js';
import { type Link, linkUsability } from '../../domain/link.js';
import type { Meeting } from '../../domain/meeting.js';
import type { Clock } from '../ports/clock.js';
import type { LinkRepository } from '../ports/link-repository.js';
import type { MeetingRepository } from '../ports/meeting-repository.js';
import type { VendorCall, VideoVendor } from '../ports/video-vendor.js';
import type { KeeperError } from '../credentials/grant-keeper.js';
import type { VendorCredentials } from '../credentials/vendor-credentials.js';
import type { MeetingUseCaseError } from './errors.js';
import type { MeetingCollaborators } from './meeting-collaborators.js';

/** Steps the three meeting use cases share. */

/** The link, if it exists, belongs to this deployment's vendor and may be used now. */
export const usableLink =
  (links: LinkRepository, vendor: VideoVendor) =>
  (linkId: LinkId): TE.TaskEither<StoreUnavailable | LinkNotFound | LinkNeedsReauthorization, Link> =>
    pipe(
      links.findById(linkId),
      TE.flatMap(
        O.match(
          (): TE.TaskEither<LinkNotFound | LinkNeedsReauthorization, Link> =>
            TE.left(linkNotFound(linkId, 'unknown')),
          (link): TE.TaskEither<LinkNotFound | LinkNeedsReauthorization, Link> => {
            switch (linkUsability(link, vendor.id)) {
              case 'usable':
                return TE.right(link);
              case 'needs_reauth':
                return TE.left(linkNeedsReauthorization(linkId));
              case 'unknown':
                return TE.left(linkNotFound(linkId, 'unknown'));
            }
          },
        ),
      ),
    );

/** The meeting of exactly this link (deleted ones included; callers decide what deleted means). */
export const meetingOfLink =
  (meetings: MeetingRepository) =>
  (link: Link, meetingId: MeetingId): TE.TaskEither<StoreUnavailable | MeetingNotFound, Meeting> =>
    pipe(
      meetings.findForLink(link.linkId, meetingId),
      TE.flatMap(TE.fromOption(() => meetingNotFound(meetingId, 'unknown'))),
    );

const timedOut = (): VendorTimeout => ({
  _tag: 'VendorTimeout',
  message: 'the vendor did not answer within the request budget',
});

/**
 * Runs a vendor call that ends, at the latest, when `signal` aborts. Adapters are asked to honour the
 * signal themselves; this is the guarantee for one that does not.
 */
export const withinBudget =
  <A>(signal: AbortSignal, call: TE.TaskEither<VendorError, A>): TE.TaskEither<VendorError, A> =>
  () =>
    new Promise<E.Either<VendorError, A>>((resolve, reject) => {
      if (signal.aborted) {
        resolve(E.left(timedOut()));
        return;
      }
      const onAbort = (): void => resolve(E.left(timedOut()));
      signal.addEventListener('abort', onAbort, { once: true });
      call().then(
        (result) => {
          signal.removeEventListener('abort', onAbort);
          resolve(result);
        },
        (defect: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(defect);
        },
      );
    });

/**
 * What a vendor failure means to our caller. A revoked grant flags the link (so every later call
 * answers "reconnect" without asking the vendor) and a meeting gone at the vendor is "not found".
 */
export const vendorFailure =
  (links: LinkRepository, clock: Clock) =>
  (
    link: Link,
    meetingId: string,
    error: VendorError | StoreUnavailable | LinkNeedsReauthorization,
  ): TE.TaskEither<MeetingUseCaseError, never> => {
    switch (error._tag) {
      case 'StoreUnavailable':
      case 'LinkNeedsReauthorization':
        return TE.left(error);
      case 'VendorAuthorizationRevoked':
        return pipe(
          links.setStatus(link.linkId, 'needs_reauth', clock.now()),
          TE.flatMap(() => TE.left(linkNeedsReauthorization(link.linkId))),
        );
      case 'VendorTokenRejected':
        // Only reaches here after a refresh and a second refusal: the grant is no good any more.
        return pipe(
          links.setStatus(link.linkId, 'needs_reauth', clock.now()),
          TE.flatMap(() => TE.left(linkNeedsReauthorization(link.linkId))),
        );
      case 'VendorMeetingGone':
        return TE.left(meetingNotFound(meetingId, 'gone_at_vendor'));
      case 'VendorRejected':
      case 'VendorUnavailable':
      case 'VendorTimeout':
      case 'VendorRateLimited':
        return TE.left(error);
    }
  };

/**
 * One call to the vendor for a link, with the link's access token when the vendor needs one: if
 * the vendor refuses the token, it is replaced (refreshed, or the one another process just stored)
 * and the call is made once more. A vendor without a connection is called as it is.
 */
export const callVendor =
  (vendor: VideoVendor, credentials: VendorCredentials | undefined) =>
  <A>(
    link: Link,
    signal: AbortSignal,
    operation: (call: VendorCall) => TE.TaskEither<VendorError, A>,
  ): TE.TaskEither<VendorError | StoreUnavailable | LinkNeedsReauthorization, A> => {
    if (vendor.connection.kind === 'none') {
      // No per-user grant: a refused token is the deployment's own credential (a vendor key in
      // configuration), which no user can repair by reinstalling, so no link is flagged for it.
      return pipe(
        withinBudget(signal, operation({ link, signal })),
        TE.mapLeft((error): VendorError =>
          error._tag === 'VendorTokenRejected'
            ? { _tag: 'VendorRejected', message: `the deployment's ${vendor.displayName} credentials were refused (${error.message})` }
            : error,
        ),
      );
    }
    if (credentials === undefined) {
      throw new Error(`vendor ${vendor.id} needs credentials, and none were given to the use case`);
    }
    const attempt = (accessToken: string): TE.TaskEither<VendorError, A> =>
      withinBudget(signal, operation({ link, signal, accessToken }));
    return pipe(
      credentials.access(link.linkId),
      TE.mapLeft(grantFailure(link)),
      TE.flatMap((accessToken) =>
        pipe(
          attempt(accessToken),
          TE.orElseW((error) =>
            error._tag === 'VendorTokenRejected'
              ? pipe(credentials.replacing(link.linkId, accessToken), TE.mapLeft(grantFailure(link)), TE.flatMap(attempt))
              : TE.left(error),
          ),
        ),
      ),
    );
  };

/** A grant we cannot use (missing, unreadable, refused) means the user must reconnect. */
const grantFailure =
  (link: Link) =>
  (error: KeeperError | VendorError): VendorError | StoreUnavailable | LinkNeedsReauthorization => {
    switch (error._tag) {
      case 'StoreUnavailable':
      case 'LinkNeedsReauthorization':
        return error;
      case 'LinkNotInstalled':
      case 'SecretUnreadable':
        return linkNeedsReauthorization(link.linkId);
      default:
        return error;
    }
  };

/** Waits `ms`; false (at once) when `signal` aborts first. Timers only: no I/O in the application. */
export const pause = (ms: number, signal: AbortSignal): Promise<boolean> =>
  new Promise((resolve) => {
    if (signal.aborted) {
      resolve(false);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

/** How often a change waits to see whether another change of the same meeting has finished. */
const LOCK_POLL_MS = [20, 40, 80, 160, 250] as const;

/**
 * The meeting of this link, locked for this change (see `MeetingRepository.lock`): changes of one
 * meeting run one after another, in the order they get the lock, at the vendor and here alike.
 * Waits while another change holds it, until the request's budget runs out.
 */
export const lockedMeeting =
  (meetings: MeetingRepository, clock: Clock, lockMs: number) =>
  async (
    link: Link,
    meetingId: MeetingId,
    holder: string,
    signal: AbortSignal,
  ): Promise<E.Either<StoreUnavailable | MeetingNotFound | VendorTimeout, Meeting>> => {
    for (let round = 0; ; round += 1) {
      const now = clock.now();
      const taken = await meetings.lock(link.linkId, meetingId, holder, now, new Date(now.getTime() + lockMs))();
      if (E.isLeft(taken)) return taken;
      switch (taken.right._tag) {
        case 'Locked':
          return E.right(taken.right.meeting);
        case 'Missing':
          return E.left(meetingNotFound(meetingId, 'unknown'));
        case 'Busy': {
          const waited = await pause(LOCK_POLL_MS[Math.min(round, LOCK_POLL_MS.length - 1)] ?? 250, signal);
          if (!waited) {
            return E.left({ _tag: 'VendorTimeout', message: 'another change of this meeting is still under way; retry shortly' });
          }
        }
      }
    }
  };

/**
 * Stores the change and releases the lock in one write. A lock lost meanwhile (held past its time,
 * and taken by another change) means the two changes overlapped at the vendor: logged loudly, as it
 * only happens when a change outlives the lock by far more than any request's budget.
 */
export const storeLocked =
  (deps: Pick<MeetingCollaborators, 'meetings' | 'logger'>, meeting: Meeting, holder: string): TE.TaskEither<StoreUnavailable, void> =>
  async () => {
    const saved = await deps.meetings.saveLocked(meeting, holder)();
    if (E.isLeft(saved)) return saved;
    if (!saved.right) {
      deps.logger.error(
        { linkId: meeting.linkId, meetingId: meeting.meetingId },
        "a change outlived its meeting lock and was not stored; the vendor has it, the store has the later change's state",
      );
    }
    return E.right(undefined);
  };

/** Releases the lock of a change that stores nothing; a failure only delays the next change. */
export const unlockQuietly = async (
  deps: Pick<MeetingCollaborators, 'meetings' | 'logger'>,
  meeting: Meeting,
  holder: string,
): Promise<void> => {
  const released = await deps.meetings.unlock(meeting.linkId, meeting.meetingId, holder)();
  if (E.isLeft(released)) {
    deps.logger.warn({ meetingId: meeting.meetingId, reason: released.left.message }, 'could not release a meeting lock; it runs out by itself');
  }
};

/** A change of one meeting under way: its link, the meeting as locked, and who holds the lock. */
export interface MeetingChange {
  readonly link: Link;
  readonly meeting: Meeting;
  readonly holder: string;
}

/**
 * The start of an update or a delete: the usable link, then its meeting locked for this change. A
 * meeting already deleted is handed back unlocked again: nothing will be written for it.
 */
export const beginChange = async (
  deps: MeetingCollaborators,
  command: { readonly linkId: LinkId; readonly meetingId: MeetingId; readonly signal: AbortSignal },
): Promise<E.Either<MeetingUseCaseError, MeetingChange>> => {
  const link = await usableLink(deps.links, deps.vendor)(command.linkId)();
  if (E.isLeft(link)) return link;
  const holder = deps.ids.leaseHolder();
  const locked = await lockedMeeting(deps.meetings, deps.clock, deps.settings.meetingLockMs)(
    link.right,
    command.meetingId,
    holder,
    command.signal,
  );
  if (E.isLeft(locked)) return locked;
  if (locked.right.status === 'deleted') await unlockQuietly(deps, locked.right, holder);
  return E.right({ link: link.right, meeting: locked.right, holder });
};
