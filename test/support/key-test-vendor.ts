import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { ContainerModule } from 'inversify';

import { type VendorTokens, VideoVendor } from '../../src/application/ports/video-vendor.js';
import { vendorPlugin } from '../../src/adapters/vendors/vendor-plugin.js';
import type { VendorError } from '../../src/domain/errors.js';
import type { VendorId } from '../../src/domain/ids.js';

export const KEY_VENDOR_URL = 'https://keyvendor.test';

/**
 * A vendor whose users paste an account key at install, for testing the generic key step before
 * (and besides) Daily. Its API is faked with nock at KEY_VENDOR_URL: `GET /me` checks a key,
 * `POST /rooms` makes a meeting; both with the key as Bearer token.
 */
const call = async <A>(path: string, key: string, method: string, signal: AbortSignal, read: (body: Record<string, string>) => A): Promise<E.Either<VendorError, A>> => {
  try {
    const response = await fetch(`${KEY_VENDOR_URL}${path}`, { method, headers: { authorization: `Bearer ${key}` }, signal });
    if (response.status === 401) return E.left({ _tag: 'VendorTokenRejected', message: 'key refused' });
    if (!response.ok) return E.left({ _tag: 'VendorUnavailable', message: `answered ${response.status}` });
    return E.right(read((await response.json()) as Record<string, string>));
  } catch {
    return E.left({ _tag: 'VendorUnavailable', message: 'unreachable' });
  }
};

const vendor: VideoVendor = {
  id: 'key-test' as VendorId,
  displayName: 'Key Test Video',
  connection: {
    kind: 'account_key',
    keyLabel: 'Key Test API key',
    keyHelp: 'In your Key Test dashboard, under API keys.',
    validateKey: (key, signal): TE.TaskEither<VendorError, VendorTokens> => () =>
      call('/me', key, 'GET', signal, (body) => ({ accessToken: key, vendorUserId: body['account'] })),
  },
  createMeeting: (vendorCall) => () =>
    call('/rooms', vendorCall.accessToken ?? '', 'POST', vendorCall.signal, (body) => ({ vendorRef: body['name'] ?? '', joinUrl: body['url'] ?? '' })),
  updateMeeting: () => () => Promise.resolve(E.right(undefined)),
  deleteMeeting: () => () => Promise.resolve(E.right(undefined)),
};

export const keyTestPlugin = vendorPlugin<null>({
  id: 'key-test' as VendorId,
  displayName: 'Key Test Video',
  variables: [],
  decodeConfig: () => E.right(null),
  module: () =>
    new ContainerModule(({ bind }) => {
      bind<VideoVendor>(VideoVendor).toConstantValue(vendor);
    }),
});
