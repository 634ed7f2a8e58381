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
