import type * as TE from 'fp-ts/lib/TaskEither.js';

import type { PipedriveError } from '../../domain/errors.js';
import type { LinkId, PipedriveId } from '../../domain/ids.js';

/** What Pipedrive's token endpoint answers, decoded. Tokens are plaintext here: seal them before storing. */
export interface PipedriveTokenSet {
  readonly accessToken: string;
  /** Absent only when a refresh answer leaves it out (then the old one stays valid). */
  readonly refreshToken: string | undefined;
  readonly expiresInSeconds: number;
  /** With scheme, no trailing slash: `https://acme.pipedrive.com`. */
  readonly apiDomain: string;
}

export interface PipedriveUser {
  readonly userId: PipedriveId;
  readonly companyId: PipedriveId;
}

export interface UserProviderLinkRegistration {
  readonly linkId: LinkId;
  readonly userId: PipedriveId;
  readonly companyId: PipedriveId;
  readonly marketplaceClientId: string;
}

/**
 * Pipedrive's OAuth server and the part of its API this app uses. Every call has a timeout, every
 * answer is decoded, every failure is a tagged `PipedriveError`; nothing throws for Pipedrive's sake.
 */
export interface PipedriveApi {
  /** `POST {oauth}/oauth/token` grant_type=authorization_code. */
  exchangeCode(code: string, redirectUri: string): TE.TaskEither<PipedriveError, PipedriveTokenSet>;
  /** `POST {oauth}/oauth/token` grant_type=refresh_token. */
  refresh(refreshToken: string): TE.TaskEither<PipedriveError, PipedriveTokenSet>;
  /** `POST {oauth}/oauth/revoke` with the refresh token: uninstalls the app for that user. */
  revoke(refreshToken: string): TE.TaskEither<PipedriveError, void>;
  /** `GET {apiDomain}/api/v1/users/me`. */
  currentUser(apiDomain: string, accessToken: string): TE.TaskEither<PipedriveError, PipedriveUser>;
  /**
   * `POST {apiDomain}/api/v1/meetings/userProviderLinks`. The redirect URL is read from
   * `data.redirectUrl`, `data.redirect_url` or a top-level `redirectUrl`, when present.
   */
  registerUserProviderLink(
    apiDomain: string,
    accessToken: string,
    registration: UserProviderLinkRegistration,
  ): TE.TaskEither<PipedriveError, { readonly redirectUrl?: string }>;
  /** `DELETE {apiDomain}/api/v1/meetings/userProviderLinks/{linkId}`; a 404 counts as done. */
  deleteUserProviderLink(apiDomain: string, accessToken: string, linkId: LinkId): TE.TaskEither<PipedriveError, void>;
}
export const PipedriveApi = Symbol('PipedriveApi');
