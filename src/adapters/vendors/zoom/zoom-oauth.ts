import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';

import type { VendorConnection, VendorTokens } from '../../../application/ports/video-vendor.js';
import type { VendorError } from '../../../domain/errors.js';
import type { ZoomConfig } from './zoom-config.js';
import { TokenAnswer, ZoomUserAnswer } from './zoom-codecs.js';
import { decodeAnswer, type InvalidTokenMeaning, ZoomBudget, type ZoomHttp, type ZoomRequest } from './zoom-http.js';

type OAuthConnection = Extract<VendorConnection, { readonly kind: 'oauth' }>;

const TOKEN_LABEL = 'POST /oauth/token';
const REVOKE_LABEL = 'POST /oauth/revoke';

/**
 * The user-level OAuth app (authorization code, research 2.4). Zoom rotates refresh tokens: every
 * refresh answers a new pair and kills the old refresh token, so the caller must store what
 * `refresh` answers before using it. Leases and storage are the application's.
 */
export class ZoomOAuthConnection implements OAuthConnection {
  readonly kind = 'oauth' as const;
  private readonly basicAuthorization: string;

  constructor(
    private readonly config: ZoomConfig,
    private readonly http: ZoomHttp,
  ) {
    const credentials = Buffer.from(`${config.clientId}:${config.clientSecret}`, 'utf8').toString('base64');
    this.basicAuthorization = `Basic ${credentials}`;
  }

  authorizeUrl(state: string, redirectUri: string): string {
    return (
      `${this.config.oauthUrl}/oauth/authorize?response_type=code` +
      `&client_id=${encodeURIComponent(this.config.clientId)}` +
      `&redirect_uri=${encodeURIComponent(redirectUri)}` +
      `&state=${encodeURIComponent(state)}`
    );
  }

  /** The code for a token pair, then `GET /users/me` for the Zoom user id deauthorizations name. */
  exchangeCode(code: string, redirectUri: string, signal: AbortSignal): TE.TaskEither<VendorError, VendorTokens> {
    return async () => {
      const budget = new ZoomBudget(signal, this.config.timeoutMs);
      const form = { grant_type: 'authorization_code', code, redirect_uri: redirectUri };
      // A code Zoom refuses (used, expired) says nothing about a grant: the user simply starts again.
      const tokens = await this.token(form, [code], 'VendorRejected', budget);
      if (E.isLeft(tokens)) return tokens;
      const user = await this.currentUserId(tokens.right.accessToken, budget);
      if (E.isLeft(user)) return user;
      return E.right({ ...tokens.right, vendorUserId: user.right });
    };
  }

  refresh(refreshToken: string, signal: AbortSignal): TE.TaskEither<VendorError, VendorTokens> {
    return async () => {
      const budget = new ZoomBudget(signal, this.config.timeoutMs);
      const form = { grant_type: 'refresh_token', refresh_token: refreshToken };
      return this.token(form, [refreshToken], 'VendorAuthorizationRevoked', budget);
    };
  }

  /**
   * Revoking the access token uninstalls the app for the user. Zoom refuses an expired one, which is
   * `VendorTokenRejected`: the caller may refresh and revoke with the new token.
   */
  revoke(tokens: VendorTokens, signal: AbortSignal): TE.TaskEither<VendorError, void> {
    return async () => {
      const budget = new ZoomBudget(signal, this.config.timeoutMs);
      const request = this.oauthRequest(
        REVOKE_LABEL,
        '/oauth/revoke',
        { token: tokens.accessToken },
        [tokens.accessToken, ...(tokens.refreshToken === undefined ? [] : [tokens.refreshToken])],
        'VendorTokenRejected',
      );
      const answer = await this.http.send(request, budget);
      // The 2xx is the whole answer (`{status: 'success'}`); nothing in it changes the outcome.
      return E.isLeft(answer) ? answer : E.right(undefined);
    };
  }

  private async token(
    form: Record<string, string>,
    secrets: readonly string[],
    invalidToken: InvalidTokenMeaning,
    budget: ZoomBudget,
  ): Promise<E.Either<VendorError, VendorTokens>> {
    const answer = await this.http.send(this.oauthRequest(TOKEN_LABEL, '/oauth/token', form, secrets, invalidToken), budget);
    if (E.isLeft(answer)) return answer;
    const decoded = decodeAnswer(TOKEN_LABEL, answer.right, TokenAnswer);
    if (E.isLeft(decoded)) return decoded;
    const { access_token, refresh_token, expires_in } = decoded.right;
    return E.right({
      accessToken: access_token,
      ...(refresh_token === undefined ? {} : { refreshToken: refresh_token }),
      ...(expires_in === undefined ? {} : { expiresInSeconds: expires_in }),
    });
  }

  private async currentUserId(accessToken: string, budget: ZoomBudget): Promise<E.Either<VendorError, string>> {
    const label = 'GET /users/me';
    const answer = await this.http.send(
      {
        server: 'api',
        method: 'GET',
        url: `${this.config.apiUrl}/users/me`,
        label,
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
        secrets: [accessToken],
        scope: 'user:read:user',
      },
      budget,
    );
    if (E.isLeft(answer)) return answer;
    const decoded = decodeAnswer(label, answer.right, ZoomUserAnswer);
    return E.isLeft(decoded) ? decoded : E.right(decoded.right.id);
  }

  private oauthRequest(
    label: string,
    path: string,
    form: Record<string, string>,
    secrets: readonly string[],
    invalidToken: InvalidTokenMeaning,
  ): ZoomRequest {
    return {
      server: 'oauth',
      method: 'POST',
      url: `${this.config.oauthUrl}${path}`,
      label,
      headers: {
        authorization: this.basicAuthorization,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams(form).toString(),
      secrets: [...secrets, this.config.clientSecret, this.basicAuthorization.slice('Basic '.length)],
      invalidToken,
    };
  }
}
