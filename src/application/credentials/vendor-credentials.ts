import { pipe } from 'fp-ts/lib/function.js';
import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';

import type { VendorError } from '../../domain/errors.js';
import type { LinkId } from '../../domain/ids.js';
import type { VendorGrant } from '../../domain/link.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { LinkRepository } from '../ports/link-repository.js';
import type { Logger } from '../ports/logger.js';
import type { TokenCipher } from '../ports/token-cipher.js';
import type { VendorTokens, VideoVendor } from '../ports/video-vendor.js';
import {
  type Access,
  DEFAULT_KEEPER_SETTINGS,
  GrantKeeper,
  type GrantPolicy,
  type GrantRevoked,
  type KeeperError,
  type KeeperSettings,
} from './grant-keeper.js';

/** How long one refresh at the vendor may take. */
const VENDOR_REFRESH_BUDGET_MS = 5_000;

/** A vendor's token answer as we store it: sealed, expiry absolute, the vendor user id kept. */
export const sealVendorGrant =
  (cipher: TokenCipher) =>
  (tokens: VendorTokens, now: Date, previous?: VendorGrant): TE.TaskEither<never, VendorGrant> =>
    pipe(
      TE.Do,
      TE.bind('accessToken', () => cipher.seal(tokens.accessToken)),
      TE.bind('refreshToken', () =>
        tokens.refreshToken === undefined
          ? TE.right(O.fromNullable(previous?.refreshToken))
          : pipe(cipher.seal(tokens.refreshToken), TE.map(O.some)),
      ),
      TE.map(({ accessToken, refreshToken }) => {
        const vendorUserId = tokens.vendorUserId ?? previous?.vendorUserId;
        return {
          accessToken,
          ...(O.isSome(refreshToken) ? { refreshToken: refreshToken.value } : {}),
          ...(tokens.expiresInSeconds === undefined
            ? {}
            : { expiresAt: new Date(now.getTime() + tokens.expiresInSeconds * 1000) }),
          ...(vendorUserId === undefined ? {} : { vendorUserId }),
        };
      }),
    );

const vendorPolicy = (vendor: VideoVendor, cipher: TokenCipher, clock: Clock): GrantPolicy<VendorGrant, VendorError> => ({
  kind: 'vendor',
  owner: vendor.displayName,
  grantOf: (link) => link.vendorGrant,
  expiresAt: (grant) => grant.expiresAt,
  accessToken: (grant) => grant.accessToken,
  renew: (_link, grant) => {
    const connection = vendor.connection;
    if (connection.kind !== 'oauth' || grant.refreshToken === undefined) {
      return TE.left({ _tag: 'GrantRevoked', message: 'the grant has no refresh token' });
    }
    const refreshToken = grant.refreshToken;
    return pipe(
      cipher.open(refreshToken),
      TE.flatMap((plain) =>
        pipe(
          TE.fromIO(() => AbortSignal.timeout(VENDOR_REFRESH_BUDGET_MS)),
          TE.flatMap((signal) => connection.refresh(plain, signal)),
          TE.mapLeft((error): VendorError | GrantRevoked =>
            error._tag === 'VendorAuthorizationRevoked' ? { _tag: 'GrantRevoked', message: error.message } : error,
          ),
        ),
      ),
      TE.flatMap((tokens) =>
        pipe(
          sealVendorGrant(cipher)(tokens, clock.now(), grant),
          TE.map((sealed) => ({ grant: sealed, accessToken: tokens.accessToken })),
        ),
      ),
    );
  },
  stored: (grant) => ({ kind: 'vendor', grant }),
  waitedTooLong: () => ({ _tag: 'VendorTimeout', message: 'another process is still refreshing this link’s vendor token' }),
});

/**
 * The link's access token at the vendor, for vendors with an OAuth connection (Zoom): refreshed
 * ahead of expiry and after a rejection, one refresh at a time per link across processes. Vendors
 * that rotate refresh tokens get the new pair stored before it is used.
 */
export class VendorCredentials {
  private readonly keeper: GrantKeeper<VendorGrant, VendorError>;

  constructor(
    vendor: VideoVendor,
    links: LinkRepository,
    cipher: TokenCipher,
    ids: IdGenerator,
    clock: Clock,
    logger: Logger,
    settings: KeeperSettings = DEFAULT_KEEPER_SETTINGS,
  ) {
    this.keeper = new GrantKeeper(vendorPolicy(vendor, cipher, clock), links, cipher, ids, clock, logger, settings);
  }

  access(linkId: LinkId): TE.TaskEither<KeeperError | VendorError, string> {
    return pipe(this.keeper.access(linkId), TE.map(plain));
  }

  /** A token other than the one the vendor just refused. */
  replacing(linkId: LinkId, rejected: string): TE.TaskEither<KeeperError | VendorError, string> {
    return pipe(this.keeper.replacing(linkId, rejected), TE.map(plain));
  }
}

const plain = (access: Access<VendorGrant>): string => access.accessToken;
