import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';

import {
  type LinkNeedsReauthorization,
  linkNeedsReauthorization,
  type PipedriveError,
  type SecretUnreadable,
  type StoreUnavailable,
} from '../../domain/errors.js';
import type { LinkId } from '../../domain/ids.js';
import type { Link, PipedriveGrant, SealedSecret } from '../../domain/link.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { LinkRepository } from '../ports/link-repository.js';
import type { Logger } from '../ports/logger.js';
import type { PipedriveApi, PipedriveTokenSet } from '../ports/pipedrive-api.js';
import type { TokenCipher } from '../ports/token-cipher.js';

/** The link has no Pipedrive grant (never installed, or disconnected). */
export interface LinkNotInstalled {
  readonly _tag: 'LinkNotInstalled';
  readonly linkId: LinkId;
}
const notInstalled = (linkId: LinkId): LinkNotInstalled => ({ _tag: 'LinkNotInstalled', linkId });

export type CredentialsError =
  | StoreUnavailable
  | PipedriveError
  | SecretUnreadable
  | LinkNotInstalled
  | LinkNeedsReauthorization;

export interface PipedriveAccess {
  readonly apiDomain: string;
  readonly accessToken: string;
}

export interface CredentialsSettings {
  /** Refresh this long before the access token expires, so no call is made with a dying token. */
  readonly refreshAheadMs: number;
  /** How long one refresh may hold the link's lease; a crashed holder frees it after this. */
  readonly leaseMs: number;
  /** How long a caller waits for another process's refresh before giving up. */
  readonly waitMs: number;
  /** Pause between looks at the store while another process refreshes. */
  readonly pollMs: number;
}

export const DEFAULT_CREDENTIALS_SETTINGS: CredentialsSettings = {
  refreshAheadMs: 5 * 60_000,
  leaseMs: 15_000,
  waitMs: 12_000,
  pollMs: 100,
};

/**
 * Turns a token answer into the grant we store: both tokens sealed, expiry absolute. A refresh
 * answer without a refresh token keeps the previous one; a code exchange always carries one.
 */
export const sealGrant =
  (cipher: TokenCipher) =>
  (
    tokens: PipedriveTokenSet,
    previousRefresh: SealedSecret | undefined,
    now: Date,
  ): TE.TaskEither<PipedriveError, PipedriveGrant> => {
    const refreshToken =
      tokens.refreshToken !== undefined
        ? cipher.seal(tokens.refreshToken)
        : previousRefresh !== undefined
          ? TE.right(previousRefresh)
          : TE.left<PipedriveError, SealedSecret>({
              _tag: 'PipedriveUnavailable',
              message: 'the token answer carried no refresh_token',
            });
    return pipe(
      TE.Do,
      TE.bind('accessToken', () => cipher.seal(tokens.accessToken)),
      TE.bindW('refreshToken', () => refreshToken),
      TE.map(({ accessToken, refreshToken: sealedRefresh }) => ({
        apiDomain: tokens.apiDomain,
        accessToken,
        refreshToken: sealedRefresh,
        expiresAt: new Date(now.getTime() + tokens.expiresInSeconds * 1000),
      })),
    );
  };

/**
 * A link's Pipedrive access token, refreshed when needed. Pipedrive access tokens live 60 minutes.
 *
 * At most one refresh per link runs at a time across every process sharing the store: the refresher
 * takes the link's lease in the store (an atomic conditional write), and everyone else waits for the
 * new token to appear instead of refreshing too. The refresh token that comes back is stored before
 * the new access token is used. `invalid_grant` means the install is gone: the link is flagged
 * `needs_reauth` and nobody retries.
 */
export class PipedriveCredentials {
  constructor(
    private readonly links: LinkRepository,
    private readonly pipedrive: PipedriveApi,
    private readonly cipher: TokenCipher,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly settings: CredentialsSettings = DEFAULT_CREDENTIALS_SETTINGS,
  ) {}

  /** A usable access token: the stored one while it is fresh, else a refreshed one. */
  access(linkId: LinkId): TE.TaskEither<CredentialsError, PipedriveAccess> {
    return pipe(
      this.grantOf(linkId),
      TE.flatMap(({ grant }) =>
        this.isFresh(grant) ? this.opened(grant) : this.refreshed(linkId, grant.accessToken),
      ),
    );
  }

  /**
   * Runs a Pipedrive call with the link's token; on a 401 refreshes once (unless someone already
   * did) and runs it once more.
   */
  withAccess<A>(
    linkId: LinkId,
    call: (access: PipedriveAccess) => TE.TaskEither<PipedriveError, A>,
  ): TE.TaskEither<CredentialsError, A> {
    return pipe(
      this.access(linkId),
      TE.flatMap((access) =>
        pipe(
          call(access),
          TE.orElseW((error) =>
            error._tag === 'PipedriveUnauthorized'
              ? pipe(
                  TE.fromTask(() => this.cipherMatchesStored(linkId, access.accessToken)),
                  TE.flatMap((stale) => this.refreshed(linkId, stale)),
                  TE.flatMap(call),
                )
              : TE.left(error),
          ),
        ),
      ),
    );
  }

  private grantOf(linkId: LinkId): TE.TaskEither<CredentialsError, { link: Link; grant: PipedriveGrant }> {
    return pipe(
      this.links.findById(linkId),
      TE.flatMapEither((found): E.Either<CredentialsError, { link: Link; grant: PipedriveGrant }> => {
        if (O.isNone(found)) return E.left(notInstalled(linkId));
        const link = found.value;
        if (link.status === 'needs_reauth') return E.left(linkNeedsReauthorization(linkId));
        if (link.pipedrive === undefined) return E.left(notInstalled(linkId));
        return E.right({ link, grant: link.pipedrive });
      }),
    );
  }

  private isFresh(grant: PipedriveGrant): boolean {
    return grant.expiresAt.getTime() - this.settings.refreshAheadMs > this.clock.now().getTime();
  }

  private opened(grant: PipedriveGrant): TE.TaskEither<CredentialsError, PipedriveAccess> {
    return pipe(
      this.cipher.open(grant.accessToken),
      TE.map((accessToken) => ({ apiDomain: grant.apiDomain, accessToken })),
    );
  }

  /**
   * The sealed token as stored now, if it still opens to `accessToken`; anything else (someone
   * refreshed meanwhile) means there is nothing stale to replace.
   */
  private async cipherMatchesStored(linkId: LinkId, accessToken: string): Promise<SealedSecret | undefined> {
    const found = await this.links.findById(linkId)();
    if (E.isLeft(found) || O.isNone(found.right) || found.right.value.pipedrive === undefined) return undefined;
    const stored = found.right.value.pipedrive.accessToken;
    const opened = await this.cipher.open(stored)();
    return E.isRight(opened) && opened.right === accessToken ? stored : undefined;
  }

  /**
   * A token that is not `stale`: either one another process stored meanwhile, or one we refresh
   * under the link's lease. `stale` undefined means the stored token is already newer than the one
   * that failed.
   */
  private refreshed(linkId: LinkId, stale: SealedSecret | undefined): TE.TaskEither<CredentialsError, PipedriveAccess> {
    return async () => {
      const deadline = this.clock.now().getTime() + this.settings.waitMs;
      for (;;) {
        const current = await this.grantOf(linkId)();
        if (E.isLeft(current)) return current;
        const grant = current.right.grant;
        if (grant.accessToken !== stale && this.isFresh(grant)) return this.opened(grant)();

        const holder = this.ids.leaseHolder();
        const now = this.clock.now();
        const taken = await this.links.acquireLease(
          linkId,
          'pipedrive',
          holder,
          now,
          new Date(now.getTime() + this.settings.leaseMs),
        )();
        if (E.isLeft(taken)) return taken;
        if (O.isSome(taken.right)) return this.refreshUnderLease(taken.right.value, holder, stale)();

        if (this.clock.now().getTime() > deadline) {
          return E.left({ _tag: 'PipedriveTimeout', message: 'another process is still refreshing this link’s token' });
        }
        await new Promise((resolve) => setTimeout(resolve, this.settings.pollMs));
      }
    };
  }

  private refreshUnderLease(
    link: Link,
    holder: string,
    stale: SealedSecret | undefined,
  ): TE.TaskEither<CredentialsError, PipedriveAccess> {
    const grant = link.pipedrive;
    if (grant === undefined) {
      return pipe(
        this.links.releaseLease(link.linkId, 'pipedrive', holder),
        TE.flatMap(() => TE.left(notInstalled(link.linkId))),
      );
    }
    // Between our last look and taking the lease, the previous holder may have finished.
    if (grant.accessToken !== stale && this.isFresh(grant)) {
      return pipe(
        this.links.releaseLease(link.linkId, 'pipedrive', holder),
        TE.flatMap(() => this.opened(grant)),
      );
    }
    const release = <A>(error: CredentialsError): TE.TaskEither<CredentialsError, A> =>
      pipe(
        this.links.releaseLease(link.linkId, 'pipedrive', holder),
        TE.flatMap(() => TE.left(error)),
      );
    return pipe(
      this.cipher.open(grant.refreshToken),
      TE.orElseW(release<string>),
      TE.flatMap((refreshToken) =>
        pipe(
          this.pipedrive.refresh(refreshToken),
          TE.orElseW((error) =>
            error._tag === 'PipedriveInvalidGrant' ? this.lost(link, holder, error.message) : release<PipedriveTokenSet>(error),
          ),
        ),
      ),
      TE.flatMap((tokens) =>
        pipe(
          sealGrant(this.cipher)(tokens, grant.refreshToken, this.clock.now()),
          TE.flatMap((sealed) =>
            pipe(
              this.links.completeRefresh(link.linkId, holder, { kind: 'pipedrive', grant: sealed }, this.clock.now()),
              TE.map((stored) => {
                if (!stored) {
                  this.logger.warn(
                    { linkId: link.linkId },
                    'a Pipedrive token refresh outlived its lease; the new token was used but not stored',
                  );
                }
                return { apiDomain: tokens.apiDomain, accessToken: tokens.accessToken };
              }),
            ),
          ),
        ),
      ),
    );
  }

  /** The refresh token was refused: the install is gone; say so once, store it, and stop trying. */
  private lost(link: Link, holder: string, reason: string): TE.TaskEither<CredentialsError, never> {
    this.logger.warn({ linkId: link.linkId, reason }, 'Pipedrive refused the refresh token; the link needs a new install');
    return pipe(
      this.links.setStatus(link.linkId, 'needs_reauth', this.clock.now()),
      TE.flatMap(() => this.links.releaseLease(link.linkId, 'pipedrive', holder)),
      TE.flatMap(() => TE.left(linkNeedsReauthorization(link.linkId))),
    );
  }
}
