import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';

import type {
  LinkNeedsReauthorization,
  PipedriveError,
  SecretUnreadable,
  StoreUnavailable,
} from '../../domain/errors.js';
import type { LinkId } from '../../domain/ids.js';
import type { PipedriveGrant, SealedSecret } from '../../domain/link.js';
import {
  type Access,
  DEFAULT_KEEPER_SETTINGS,
  GrantKeeper,
  type GrantPolicy,
  type GrantRevoked,
  type KeeperSettings,
  type LinkNotInstalled,
} from '../credentials/grant-keeper.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { LinkRepository } from '../ports/link-repository.js';
import type { Logger } from '../ports/logger.js';
import type { PipedriveApi, PipedriveTokenSet } from '../ports/pipedrive-api.js';
import type { TokenCipher } from '../ports/token-cipher.js';


export type { LinkNotInstalled };

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

/** Pipedrive's grant as the keeper handles it: 60-minute access tokens, a refresh token that may come back unchanged. */
const pipedrivePolicy = (pipedrive: PipedriveApi, cipher: TokenCipher, clock: Clock): GrantPolicy<PipedriveGrant, PipedriveError> => ({
  kind: 'pipedrive',
  owner: 'Pipedrive',
  grantOf: (link) => link.pipedrive,
  expiresAt: (grant) => grant.expiresAt,
  accessToken: (grant) => grant.accessToken,
  renew: (_link, grant) =>
    pipe(
      cipher.open(grant.refreshToken),
      TE.flatMap((refreshToken) =>
        pipe(
          pipedrive.refresh(refreshToken),
          TE.mapLeft((error): PipedriveError | GrantRevoked =>
            error._tag === 'PipedriveInvalidGrant' ? { _tag: 'GrantRevoked', message: error.message } : error,
          ),
        ),
      ),
      TE.flatMap((tokens) =>
        pipe(
          sealGrant(cipher)(tokens, grant.refreshToken, clock.now()),
          TE.map((sealed) => ({ grant: sealed, accessToken: tokens.accessToken })),
        ),
      ),
    ),
  stored: (grant) => ({ kind: 'pipedrive', grant }),
  waitedTooLong: () => ({ _tag: 'PipedriveTimeout', message: 'another process is still refreshing this link’s Pipedrive token' }),
});

/**
 * A link's Pipedrive access token, refreshed when needed (see `GrantKeeper`): ahead of expiry, and
 * once after a 401.
 */
export class PipedriveCredentials {
  private readonly keeper: GrantKeeper<PipedriveGrant, PipedriveError>;

  constructor(
    links: LinkRepository,
    pipedrive: PipedriveApi,
    cipher: TokenCipher,
    ids: IdGenerator,
    clock: Clock,
    logger: Logger,
    settings: KeeperSettings = DEFAULT_KEEPER_SETTINGS,
  ) {
    this.keeper = new GrantKeeper(pipedrivePolicy(pipedrive, cipher, clock), links, cipher, ids, clock, logger, settings);
  }

  /** A usable access token: the stored one while it is fresh, else a refreshed one. */
  access(linkId: LinkId): TE.TaskEither<CredentialsError, PipedriveAccess> {
    return pipe(this.keeper.access(linkId), TE.map(toAccess));
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
              ? pipe(this.keeper.replacing(linkId, access.accessToken), TE.map(toAccess), TE.flatMap(call))
              : TE.left(error),
          ),
        ),
      ),
    );
  }
}

const toAccess = ({ grant, accessToken }: Access<PipedriveGrant>): PipedriveAccess => ({ apiDomain: grant.apiDomain, accessToken });
