import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { ContainerModule } from 'inversify';

import { type VendorConnection, type VendorTokens, VideoVendor } from '../../src/application/ports/video-vendor.js';
import { StubFaults } from '../../src/adapters/vendors/stub/stub-faults.js';
import { StubVideoVendor } from '../../src/adapters/vendors/stub/stub-video-vendor.js';
import { vendorPlugin } from '../../src/adapters/vendors/vendor-plugin.js';
import type { VendorError } from '../../src/domain/errors.js';
import type { VendorId } from '../../src/domain/ids.js';

export const OAUTH_VENDOR_URL = 'https://vendor.test';

/**
 * A vendor that needs the user's OAuth consent, for testing the generic vendor step of the install
 * before a real one (Zoom) exists. Its OAuth server is faked with nock at OAUTH_VENDOR_URL; its
 * meetings are the stub's.
 */
const connection: VendorConnection = {
  kind: 'oauth',
  authorizeUrl: (state, redirectUri) =>
    `${OAUTH_VENDOR_URL}/oauth/authorize?response_type=code&client_id=vendor-client&redirect_uri=${encodeURIComponent(redirectUri)}&state=${encodeURIComponent(state)}`,
  exchangeCode: (code, redirectUri, signal): TE.TaskEither<VendorError, VendorTokens> => async () => {
    try {
      const response = await fetch(`${OAUTH_VENDOR_URL}/oauth/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }).toString(),
        signal,
      });
      if (!response.ok) return E.left({ _tag: 'VendorRejected', message: `token endpoint answered ${response.status}` });
      const body = (await response.json()) as { access_token: string; refresh_token: string; expires_in: number; user_id: string };
      return E.right({
        accessToken: body.access_token,
        refreshToken: body.refresh_token,
        expiresInSeconds: body.expires_in,
        vendorUserId: body.user_id,
      });
    } catch {
      return E.left({ _tag: 'VendorUnavailable', message: 'token endpoint unreachable' });
    }
  },
  refresh: (refreshToken, signal): TE.TaskEither<VendorError, VendorTokens> => async () => {
    const response = await fetch(`${OAUTH_VENDOR_URL}/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString(),
      signal,
    });
    if (response.status === 400) return E.left({ _tag: 'VendorAuthorizationRevoked', message: 'invalid_grant' });
    if (!response.ok) return E.left({ _tag: 'VendorUnavailable', message: `token endpoint answered ${response.status}` });
    const body = (await response.json()) as { access_token: string; refresh_token: string; expires_in: number };
    return E.right({ accessToken: body.access_token, refreshToken: body.refresh_token, expiresInSeconds: body.expires_in });
  },
  revoke: (tokens, signal): TE.TaskEither<VendorError, void> => async () => {
    const response = await fetch(`${OAUTH_VENDOR_URL}/oauth/revoke`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.accessToken }).toString(),
      signal,
    });
    return response.ok ? E.right(undefined) : E.left({ _tag: 'VendorUnavailable', message: `revoke answered ${response.status}` });
  },
};

export const oauthTestPlugin = vendorPlugin<{ publicBaseUrl: string }>({
  id: 'oauth-test' as VendorId,
  displayName: 'OAuth Test Video',
  variables: [],
  decodeConfig: ({ publicBaseUrl }) => E.right({ publicBaseUrl }),
  module: ({ publicBaseUrl }) =>
    new ContainerModule(({ bind }) => {
      // One switchboard, bound and used: a test arming `deployment.faults` arms this vendor's meetings.
      const faults = new StubFaults();
      bind(StubFaults).toConstantValue(faults);
      const inner = new StubVideoVendor({ publicBaseUrl, passcodes: false }, faults);
      const vendor: VideoVendor = {
        id: 'oauth-test' as VendorId,
        displayName: 'OAuth Test Video',
        connection,
        createMeeting: (call, input) => inner.createMeeting(call, input),
        updateMeeting: (call, ref, details) => inner.updateMeeting(call, ref, details),
        deleteMeeting: (call, ref) => inner.deleteMeeting(call, ref),
        findCreated: (call, input, since) => inner.findCreated(call, input, since),
      };
      bind<VideoVendor>(VideoVendor).toConstantValue(vendor);
    }),
});
