import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';

import {
  type LinkNeedsReauthorization,
  linkNeedsReauthorization,
  type SecretUnreadable,
  type StoreUnavailable,
} from '../../domain/errors.js';
import type { LinkId } from '../../domain/ids.js';
import type { GrantKind, Link, SealedSecret } from '../../domain/link.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { LinkRepository, RefreshedGrant } from '../ports/link-repository.js';
import type { Logger } from '../ports/logger.js';
import type { TokenCipher } from '../ports/token-cipher.js';

/** The link has no grant of the kind asked for (never installed or connected, or disconnected). */
export interface LinkNotInstalled {
  readonly _tag: 'LinkNotInstalled';
  readonly linkId: LinkId;
}
export const notInstalled = (linkId: LinkId): LinkNotInstalled => ({ _tag: 'LinkNotInstalled', linkId });

/** The remote side refused the refresh token itself (`invalid_grant`): the grant is gone for good. */
export interface GrantRevoked {
  readonly _tag: 'GrantRevoked';
  readonly message: string;
}

export type KeeperError = StoreUnavailable | SecretUnreadable | LinkNotInstalled | LinkNeedsReauthorization;

/** What the keeper must know about one kind of grant (Pipedrive's, a vendor's). */
export interface GrantPolicy<G, E> {
  readonly kind: GrantKind;
  /** A name for logs: "Pipedrive", "Zoom". */
  readonly owner: string;
  grantOf(link: Link): G | undefined;
  /** When the access token stops working; undefined: it does not expire by time. */
  expiresAt(grant: G): Date | undefined;
  accessToken(grant: G): SealedSecret;
  /**
   * Asks the remote side for new tokens with the grant's refresh token, and seals them into the
   * grant to store. `GrantRevoked` when the refresh token itself is refused.
   */
  renew(link: Link, grant: G): TE.TaskEither<E | GrantRevoked | SecretUnreadable, { grant: G; accessToken: string }>;
  stored(grant: G): RefreshedGrant;
  /** The failure to answer when another process's refresh takes longer than we can wait. */
  waitedTooLong(): E;
}

export interface KeeperSettings {
  /** Refresh this long before the access token expires, so no call is made with a dying token. */
  readonly refreshAheadMs: number;
  /** How long one refresh may hold the link's lease; a crashed holder frees it after this. */
  readonly leaseMs: number;
  /** How long a caller waits for another process's refresh before giving up. */
  readonly waitMs: number;
  /** Pause between looks at the store while another process refreshes. */
  readonly pollMs: number;
}

export const DEFAULT_KEEPER_SETTINGS: KeeperSettings = {
  refreshAheadMs: 5 * 60_000,
  leaseMs: 15_000,
  waitMs: 12_000,
  pollMs: 100,
};

export interface Access<G> {
  readonly grant: G;
  readonly accessToken: string;
}

/**
 * Keeps one kind of a link's grant usable. At most one refresh per link and kind runs at a time
 * across every process sharing the store: the refresher takes the link's lease (an atomic
 * conditional write) and everyone else waits for the new token to appear instead of refreshing too.
 * The new grant is stored before its token is used (vendors that rotate refresh tokens, like Zoom,
 * have invalidated the old one by then). A refused refresh token flags the link `needs_reauth`, once,
 * and nobody retries.
 */
export class GrantKeeper<G, E> {
  constructor(
    private readonly policy: GrantPolicy<G, E>,
    private readonly links: LinkRepository,
    private readonly cipher: TokenCipher,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly settings: KeeperSettings = DEFAULT_KEEPER_SETTINGS,
  ) {}

  /** A usable access token: the stored one while it is fresh, else a refreshed one. */
  access(linkId: LinkId): TE.TaskEither<KeeperError | E, Access<G>> {
    return pipe(
      this.grantOf(linkId),
      TE.flatMap((grant) =>
        this.isFresh(grant) ? this.opened(grant) : this.refreshed(linkId, this.policy.accessToken(grant)),
      ),
    );
  }

  /**
   * A token other than `rejected` (one the remote side just refused): the one another process has
   * stored meanwhile, or a refreshed one.
   */
  replacing(linkId: LinkId, rejected: string): TE.TaskEither<KeeperError | E, Access<G>> {
    return pipe(
      TE.fromTask(() => this.sealedIfStored(linkId, rejected)),
      TE.flatMap((stale) => this.refreshed(linkId, stale)),
    );
  }

  private grantOf(linkId: LinkId): TE.TaskEither<KeeperError, G> {
    return pipe(
      this.links.findById(linkId),
      TE.flatMapEither((found): E.Either<KeeperError, G> => {
        if (O.isNone(found)) return E.left(notInstalled(linkId));
        if (found.value.status === 'needs_reauth') return E.left(linkNeedsReauthorization(linkId));
        const grant = this.policy.grantOf(found.value);
        return grant === undefined ? E.left(notInstalled(linkId)) : E.right(grant);
      }),
    );
  }

  private isFresh(grant: G): boolean {
    const expiresAt = this.policy.expiresAt(grant);
    return expiresAt === undefined || expiresAt.getTime() - this.settings.refreshAheadMs > this.clock.now().getTime();
  }

  private opened(grant: G): TE.TaskEither<KeeperError, Access<G>> {
    return pipe(
      this.cipher.open(this.policy.accessToken(grant)),
      TE.map((accessToken) => ({ grant, accessToken })),
    );
  }

  /** The stored sealed token if it still opens to `accessToken`; undefined when it has moved on. */
  private async sealedIfStored(linkId: LinkId, accessToken: string): Promise<SealedSecret | undefined> {
    const grant = await this.grantOf(linkId)();
    if (E.isLeft(grant)) return undefined;
    const stored = this.policy.accessToken(grant.right);
    const opened = await this.cipher.open(stored)();
    return E.isRight(opened) && opened.right === accessToken ? stored : undefined;
  }

  /** `stale` undefined means the stored token is already newer than the one that failed. */
  private refreshed(linkId: LinkId, stale: SealedSecret | undefined): TE.TaskEither<KeeperError | E, Access<G>> {
    return async () => {
      const deadline = this.clock.now().getTime() + this.settings.waitMs;
      for (;;) {
        const current = await this.grantOf(linkId)();
        if (E.isLeft(current)) return current;
        if (this.policy.accessToken(current.right) !== stale && this.isFresh(current.right)) {
          return this.opened(current.right)();
        }
        const holder = this.ids.leaseHolder();
        const now = this.clock.now();
        const taken = await this.links.acquireLease(
          linkId,
          this.policy.kind,
          holder,
          now,
          new Date(now.getTime() + this.settings.leaseMs),
        )();
        if (E.isLeft(taken)) return taken;
        if (O.isSome(taken.right)) return this.refreshUnderLease(taken.right.value, holder, stale)();
        if (this.clock.now().getTime() > deadline) return E.left(this.policy.waitedTooLong());
        await new Promise((resolve) => setTimeout(resolve, this.settings.pollMs));
      }
    };
  }

  private refreshUnderLease(link: Link, holder: string, stale: SealedSecret | undefined): TE.TaskEither<KeeperError | E, Access<G>> {
    const release = (): TE.TaskEither<StoreUnavailable, void> =>
      this.links.releaseLease(link.linkId, this.policy.kind, holder);
    const grant = this.policy.grantOf(link);
    if (grant === undefined) return pipe(release(), TE.flatMap(() => TE.left(notInstalled(link.linkId))));
    // Between our last look and taking the lease, the previous holder may have finished.
    if (this.policy.accessToken(grant) !== stale && this.isFresh(grant)) {
      return pipe(release(), TE.flatMap(() => this.opened(grant)));
    }
    const renewed: TE.TaskEither<KeeperError | E, { grant: G; accessToken: string }> = pipe(
      this.policy.renew(link, grant),
      TE.orElse((error): TE.TaskEither<KeeperError | E, { grant: G; accessToken: string }> =>
        isRevoked(error)
          ? this.revoked(link, holder, error.message)
          : pipe(
              release(),
              TE.flatMap(() => TE.left<KeeperError | E>(error)),
            ),
      ),
    );
    return pipe(
      renewed,
      TE.flatMap((fresh) =>
        pipe(
          this.links.completeRefresh(link.linkId, holder, this.policy.stored(fresh.grant), this.clock.now()),
          TE.map((stored): Access<G> => {
            if (!stored) {
              this.logger.warn(
                { linkId: link.linkId, grant: this.policy.kind },
                `a ${this.policy.owner} token refresh outlived its lease; the new token was used but not stored`,
              );
            }
            return fresh;
          }),
        ),
      ),
    );
  }

  private revoked(link: Link, holder: string, reason: string): TE.TaskEither<KeeperError, never> {
    this.logger.warn(
      { linkId: link.linkId, grant: this.policy.kind, reason },
      `${this.policy.owner} refused the refresh token; the link needs a new install`,
    );
    return pipe(
      this.links.setStatus(link.linkId, 'needs_reauth', this.clock.now()),
      TE.flatMap(() => this.links.releaseLease(link.linkId, this.policy.kind, holder)),
      TE.flatMap(() => TE.left(linkNeedsReauthorization(link.linkId))),
    );
  }
}

const isRevoked = (error: unknown): error is GrantRevoked =>
  typeof error === 'object' && error !== null && (error as { _tag?: unknown })._tag === 'GrantRevoked';
