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
 * (and besides) Daily. Its API is faked with nock at KEY_VENDOR_URL, the key as Bearer token:
 * `GET /me` checks a key; `POST /rooms` makes a meeting, sending our meeting id as the room's
 * `external_id`; `GET /rooms?external_id=<meeting id>` answers `{rooms: [{name}]}`, the rooms made
 * for that meeting (what `findCreated` reads).
 */
const call = async <A>(
  path: string,
  key: string,
  method: string,
  signal: AbortSignal,
  read: (body: Record<string, unknown>) => A,
  body?: unknown,
): Promise<E.Either<VendorError, A>> => {
  try {
    const response = await fetch(`${KEY_VENDOR_URL}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal,
    });
    if (response.status === 401) return E.left({ _tag: 'VendorTokenRejected', message: 'key refused' });
    if (!response.ok) return E.left({ _tag: 'VendorUnavailable', message: `answered ${response.status}` });
    return E.right(read((await response.json()) as Record<string, unknown>));
  } catch {
    return E.left({ _tag: 'VendorUnavailable', message: 'unreachable' });
  }
};

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

const vendor: VideoVendor = {
  id: 'key-test' as VendorId,
  displayName: 'Key Test Video',
  connection: {
    kind: 'account_key',
    keyLabel: 'Key Test API key',
    keyHelp: 'In your Key Test dashboard, under API keys.',
    validateKey: (key, signal): TE.TaskEither<VendorError, VendorTokens> => () =>
      call('/me', key, 'GET', signal, (body) => ({ accessToken: key, vendorUserId: typeof body['account'] === 'string' ? body['account'] : undefined })),
  },
  createMeeting: (vendorCall, input) => () =>
    call(
      '/rooms',
      vendorCall.accessToken ?? '',
      'POST',
      vendorCall.signal,
      (body) => ({ vendorRef: text(body['name']), joinUrl: text(body['url']) }),
      { external_id: input.meetingId },
    ),
  updateMeeting: () => () => Promise.resolve(E.right(undefined)),
  deleteMeeting: () => () => Promise.resolve(E.right(undefined)),
  findCreated: (vendorCall, input) => async () => {
    const path = `/rooms?external_id=${encodeURIComponent(input.meetingId)}`;
    const answer = await call(path, vendorCall.accessToken ?? '', 'GET', vendorCall.signal, (body) => body['rooms']);
    if (E.isLeft(answer)) return answer;
    const rooms = answer.right;
    // A list it cannot read is no answer: "nothing there" would leave a meeting behind.
    if (!Array.isArray(rooms) || !rooms.every((room) => typeof (room as { name?: unknown }).name === 'string')) {
      return E.left({ _tag: 'VendorUnavailable', message: 'rooms: expected a list of rooms with a name' });
    }
    return E.right(rooms.map((room) => (room as { name: string }).name));
  },
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
