import { generateKeyPairSync } from 'node:crypto';

import { expect } from 'chai';
import nock from 'nock';

import type { VendorCall } from '../../src/application/ports/video-vendor.js';
import { DAILY_VENDOR_ID, DailyVideoVendor } from '../../src/adapters/vendors/daily/daily-video-vendor.js';
import { JitsiAccess } from '../../src/adapters/vendors/jitsi/jitsi-access.js';
import { decodeJitsiConfig } from '../../src/adapters/vendors/jitsi/jitsi-config.js';
import { JITSI_VENDOR_ID, JitsiVideoVendor } from '../../src/adapters/vendors/jitsi/jitsi-video-vendor.js';
import { StubFaults } from '../../src/adapters/vendors/stub/stub-faults.js';
import { STUB_VENDOR_ID, StubVideoVendor } from '../../src/adapters/vendors/stub/stub-video-vendor.js';
import { ZOOM_VENDOR_ID, ZoomVideoVendor } from '../../src/adapters/vendors/zoom/zoom-video-vendor.js';
import type { VendorError } from '../../src/domain/errors.js';
import type { VendorId } from '../../src/domain/ids.js';
import { expectRight } from '../support/either.js';
import { aLink } from '../support/fixtures.js';
import {
  ALL_VENDOR_FAILURES,
  describeVideoVendorContract,
  type VendorFailureKind,
  type VendorOperation,
  type VendorRemote,
} from './video-vendor.contract.js';

const aCall =
  (vendor: VendorId, accessToken?: string) =>
  (signal: AbortSignal = new AbortController().signal): VendorCall => ({
    link: aLink({ vendor }),
    signal,
    ...(accessToken === undefined ? {} : { accessToken }),
  });

/**
 * The stub keeps no meetings, so its "remote" is its fault switchboard: each failure is armed as
 * the tagged error a real adapter answers for it. A meeting "gone" at the stub is deleted as any
 * other: the stub's delete always succeeds, which is what the port asks. Every meeting id names a
 * stub meeting, so `findCreated` can only be shown to find what a create made.
 */
class StubRemote implements VendorRemote {
  constructor(private readonly faults: StubFaults) {}

  willCreate(): void {}
  willUpdate(): void {}
  willDelete(): void {}
  willFind(): void {}

  willFail(op: VendorOperation, kind: VendorFailureKind): void {
    const operation = op === 'find' ? 'findCreated' : op;
    const fail = (error: VendorError): void => this.faults.arm(operation, { kind: 'fail', error });
    switch (kind) {
      case 'gone':
        if (op !== 'delete') fail({ _tag: 'VendorMeetingGone', message: 'the stub was told the meeting is gone' });
        return;
      case 'rate_limited':
        return fail({ _tag: 'VendorRateLimited', message: 'the stub was told to limit', retryAfterSeconds: 1 });
      case 'unavailable':
        return fail({ _tag: 'VendorUnavailable', message: 'the stub was told to fail' });
      case 'rejected':
        return fail({ _tag: 'VendorRejected', message: 'the stub was told to refuse' });
      case 'hang':
        return this.faults.arm(operation, { kind: 'hang' });
    }
  }

  done(): void {
    expect(this.faults.pending(), 'faults armed on the stub that no call used').to.equal(0);
  }
}

describeVideoVendorContract('StubVideoVendor', () => {
  const faults = new StubFaults();
  return Promise.resolve({
    vendor: new StubVideoVendor({ publicBaseUrl: 'https://video.example.test', passcodes: true }, faults),
    remote: new StubRemote(faults),
    failures: ALL_VENDOR_FAILURES,
    findable: ['created'],
    // Its switchboard arms findCreated too, with every failure but "gone".
    findFailures: ALL_VENDOR_FAILURES.filter((kind) => kind !== 'gone'),
    call: aCall(STUB_VENDOR_ID),
    cleanup: () => {
      faults.clear();
      return Promise.resolve();
    },
  });
});

const ZOOM_API_ORIGIN = 'https://api.zoom.contract.test';
const ZOOM_ACCESS = 'zoom-contract-access-token';
const JSON_HEADERS = { 'content-type': 'application/json' };

interface MeetingFields {
  readonly topic?: unknown;
  readonly type?: unknown;
  readonly start_time?: unknown;
  readonly duration?: unknown;
  readonly timezone?: unknown;
}
/** A scheduled meeting in UTC (the unit tests check the exact fields). */
const meetingFields = (body: MeetingFields): boolean =>
  typeof body.topic === 'string' &&
  body.type === 2 &&
  typeof body.start_time === 'string' &&
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(body.start_time) &&
  typeof body.duration === 'number' &&
  body.timezone === 'UTC';

interface ZoomMeeting {
  readonly id: bigint;
  readonly topic: string;
  readonly start_time: string;
  readonly duration: number;
  readonly created_at: string;
}

/**
 * Zoom's REST API as nock interceptors; each armed expectation is one interceptor (or two, for a
 * create). It keeps the meetings created and not deleted through it, which `GET /users/me/meetings`
 * lists as Zoom does (ids bare int64, `created_at` in whole seconds), beside one the user made by hand.
 */
class ZoomNockRemote implements VendorRemote {
  private readonly scopes: nock.Scope[] = [];
  private readonly unexpected: string[] = [];
  /** Beyond 2^53, as Zoom's int64 ids may be. */
  private nextId = 98_765_432_109_876_500n;
  private lastId = 0n;
  private readonly meetings = new Map<bigint, ZoomMeeting>([
    [
      77_777_777_777n,
      { id: 77_777_777_777n, topic: 'Made in Zoom by hand', start_time: '2027-01-05T09:00:00Z', duration: 30, created_at: '2026-01-01T00:00:00Z' },
    ],
  ]);

  readonly onNoMatch = (req: { method?: string; href?: string; path?: string }): void => {
    this.unexpected.push(`${req.method ?? '?'} ${req.href ?? req.path ?? '?'}`);
  };

  private scheduled: { start: Date; durationMinutes: number } | undefined;

  lastScheduled(): { start: Date; durationMinutes: number } | undefined {
    return this.scheduled;
  }

  willCreate(): void {
    const id = this.nextId++;
    this.lastId = id;
    this.scopes.push(
      this.api()
        .post('/v2/users/me/meetings', (body: MeetingFields) => {
          if (!meetingFields(body)) return false;
          this.scheduled = { start: new Date(String(body.start_time)), durationMinutes: Number(body.duration) };
          return true;
        })
        .reply(201, (_uri, body) => {
          const fields = body as { topic: string; start_time: string; duration: number };
          const created_at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
          this.meetings.set(id, { id, topic: fields.topic, start_time: fields.start_time, duration: fields.duration, created_at });
          return `{"id":${id},"topic":"t","start_url":"https://zoom.us/s/${id}?zak=host","join_url":"https://zoom.us/j/${id}?pwd=x","password":"123456"}`;
        }, JSON_HEADERS)
        .get(`/v2/meetings/${id}/invitation`)
        .reply(200, { invitation: `Join Zoom Meeting https://zoom.us/j/${id}` }),
    );
  }

  willUpdate(): void {
    this.scopes.push(this.api().patch(`/v2/meetings/${this.lastId}`, meetingFields).reply(204));
  }

  willDelete(): void {
    const id = this.lastId;
    this.scopes.push(
      this.api()
        .delete(`/v2/meetings/${id}`)
        .reply(() => {
          this.meetings.delete(id);
          return [204, ''];
        }),
    );
  }

  willFind(): void {
    this.scopes.push(
      this.api()
        .get('/v2/users/me/meetings')
        .query({ type: 'scheduled', page_size: '300' })
        .reply(200, () => {
          const listed = [...this.meetings.values()].map(
            (m) =>
              `{"uuid":"u${m.id}==","id":${m.id},"host_id":"h","topic":${JSON.stringify(m.topic)},"type":2,` +
              `"start_time":"${m.start_time}","duration":${m.duration},"timezone":"UTC","created_at":"${m.created_at}",` +
              `"join_url":"https://zoom.us/j/${m.id}"}`,
          );
          return `{"page_size":300,"total_records":${listed.length},"next_page_token":"","meetings":[${listed.join(',')}]}`;
        }, JSON_HEADERS),
    );
  }

  willFail(op: VendorOperation, kind: VendorFailureKind): void {
    const scope = this.api();
    const interceptor =
      op === 'create'
        ? scope.post('/v2/users/me/meetings', meetingFields)
        : op === 'update'
          ? scope.patch(`/v2/meetings/${this.lastId}`, meetingFields)
          : op === 'delete'
            ? scope.delete(`/v2/meetings/${this.lastId}`)
            : scope.get('/v2/users/me/meetings').query(true);
    const error = (code: number, message: string): string => JSON.stringify({ code, message });
    switch (kind) {
      case 'gone':
        interceptor.reply(404, error(3001, `Meeting does not exist: ${this.lastId}.`), JSON_HEADERS);
        break;
      case 'rate_limited':
        interceptor.reply(429, error(429, 'Too many requests.'), { ...JSON_HEADERS, 'X-RateLimit-Type': 'Daily-limit' });
        break;
      case 'unavailable':
        interceptor.reply(503, '<html><body>Service Unavailable</body></html>', { 'content-type': 'text/html' });
        break;
      case 'rejected':
        interceptor.reply(400, error(300, 'Validation Failed.'), JSON_HEADERS);
        break;
      case 'hang':
        interceptor.delay(30_000).reply(204);
        break;
    }
    this.scopes.push(scope);
  }

  done(): void {
    for (const scope of this.scopes) scope.done();
    expect(this.unexpected, 'requests Zoom was not expected to receive').to.deep.equal([]);
  }

  private api(): nock.Scope {
    return nock(ZOOM_API_ORIGIN).matchHeader('authorization', `Bearer ${ZOOM_ACCESS}`);
  }
}

describeVideoVendorContract('ZoomVideoVendor (Zoom under nock)', () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  const remote = new ZoomNockRemote();
  nock.emitter.on('no match', remote.onNoMatch);
  const vendor = new ZoomVideoVendor(
    {
      clientId: 'zoom-client',
      clientSecret: 'zoom-secret',
      webhookSecretToken: 'zoom-webhook',
      oauthUrl: 'https://zoom.contract.test',
      apiUrl: `${ZOOM_API_ORIGIN}/v2`,
      timeoutMs: 5_000,
    },
    { now: () => new Date() },
    { attempts: 3, baseDelayMs: 5, maxDelayMs: 20, random: Math.random },
  );
  return Promise.resolve({
    vendor,
    remote,
    failures: ALL_VENDOR_FAILURES,
    call: aCall(ZOOM_VENDOR_ID, ZOOM_ACCESS),
    cleanup: () => {
      nock.emitter.removeListener('no match', remote.onNoMatch);
      nock.abortPendingRequests();
      nock.cleanAll();
      nock.enableNetConnect();
      return Promise.resolve();
    },
  });
});

/**
 * Jitsi has no meeting API: create, update, delete and findCreated call nobody, so its remote side
 * expects nothing and cannot be armed with a failure (the suite skips those tests: `failures: []`).
 * The network is shut for the run, so a request it did make would fail the test.
 */
class JitsiRemote implements VendorRemote {
  willCreate(): void {}
  willUpdate(): void {}
  willDelete(): void {}
  willFind(): void {}
  willFail(op: VendorOperation, kind: VendorFailureKind): void {
    expect.fail(`Jitsi declared no failures, yet the suite armed ${kind} for ${op}`);
  }
  done(): void {}
}

const JAAS_KEY = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
}).privateKey;
const JITSI_MODES: readonly (readonly [string, Record<string, string>])[] = [
  ['public', { JITSI_MODE: 'public' }],
  [
    'jaas',
    { JITSI_MODE: 'jaas', JAAS_APP_ID: 'vpaas-magic-cookie-contract', JAAS_API_KEY_ID: 'vpaas-magic-cookie-contract/k1', JAAS_PRIVATE_KEY: JAAS_KEY },
  ],
  [
    'selfhosted',
    { JITSI_MODE: 'selfhosted', JITSI_BASE_URL: 'https://meet.contract.test', JITSI_APP_ID: 'app', JITSI_APP_SECRET: 'secret' },
  ],
];

for (const [mode, env] of JITSI_MODES) {
  describeVideoVendorContract(`JitsiVideoVendor (${mode} mode)`, () => {
    nock.disableNetConnect();
    const config = expectRight(decodeJitsiConfig({ env, production: true, publicBaseUrl: 'https://video.example.test' }));
    return Promise.resolve({
      vendor: new JitsiVideoVendor(new JitsiAccess(config)),
      remote: new JitsiRemote(),
      failures: [],
      // Nothing at Jitsi's side: nothing to find after a create, and nothing (rightly) otherwise.
      findable: ['not_created', 'deleted'],
      call: aCall(JITSI_VENDOR_ID),
      cleanup: () => {
        nock.enableNetConnect();
        return Promise.resolve();
      },
    });
  });
}

const DAILY_API_ORIGIN = 'https://api.daily.contract.test';
const DAILY_DEPLOYMENT_KEY = 'daily-contract-deployment-key';
const DAILY_LINK_KEY = 'daily-contract-link-key';

interface RoomFields {
  readonly name?: unknown;
  readonly privacy?: unknown;
  readonly properties?: { readonly nbf?: unknown; readonly exp?: unknown };
}
/** A room's window in epoch seconds, opening before it closes (the unit tests check the exact values). */
const roomWindow = (body: RoomFields): boolean =>
  typeof body.properties?.nbf === 'number' && typeof body.properties.exp === 'number' && body.properties.nbf < body.properties.exp;
const newRoom = (body: RoomFields): boolean =>
  typeof body.name === 'string' && /^[a-z0-9-]+$/.test(body.name) && body.privacy === 'public' && roomWindow(body);

const ROOM_PATH = /^\/v1\/rooms\/[^/?]+$/;
const roomIn = (uri: string): string => decodeURIComponent(uri.split('?')[0]?.split('/').pop() ?? '');

/**
 * Daily's REST API as nock interceptors, expecting the given key. It keeps the rooms created and
 * not deleted through it, which `GET /rooms/<name>` answers as Daily does (200, or 404 `not-found`).
 */
class DailyNockRemote implements VendorRemote {
  private readonly scopes: nock.Scope[] = [];
  private readonly unexpected: string[] = [];
  private readonly rooms = new Set<string>();
  private lastRoom = '';

  constructor(private readonly key: string) {}

  readonly onNoMatch = (req: { method?: string; href?: string; path?: string }): void => {
    this.unexpected.push(`${req.method ?? '?'} ${req.href ?? req.path ?? '?'}`);
  };

  private scheduled: { start: Date; durationMinutes: number } | undefined;

  /** The room window, less the run's 15 minutes early and 60 late, is the meeting. */
  lastScheduled(): { start: Date; durationMinutes: number } | undefined {
    return this.scheduled;
  }

  willCreate(): void {
    this.scopes.push(
      this.api()
        .post('/v1/rooms', (body: RoomFields) => {
          if (!newRoom(body)) return false;
          this.lastRoom = body.name as string;
          const nbf = Number(body.properties?.nbf);
          const exp = Number(body.properties?.exp);
          this.scheduled = { start: new Date((nbf + 15 * 60) * 1000), durationMinutes: (exp - 60 * 60 - (nbf + 15 * 60)) / 60 };
          return true;
        })
        .reply(200, () => {
          this.rooms.add(this.lastRoom);
          return { name: this.lastRoom, url: `https://contract.daily.co/${this.lastRoom}`, privacy: 'public' };
        }),
    );
  }

  willUpdate(): void {
    this.scopes.push(this.api().post(`/v1/rooms/${this.lastRoom}`, roomWindow).reply(200, { name: this.lastRoom }));
  }

  willDelete(): void {
    const room = this.lastRoom;
    this.scopes.push(
      this.api()
        .delete(`/v1/rooms/${room}`)
        .reply(200, () => {
          this.rooms.delete(room);
          return { deleted: true, name: room };
        }),
    );
  }

  willFind(): void {
    this.scopes.push(this.api().get(ROOM_PATH).reply((uri) => this.lookUp(roomIn(uri))));
  }

  willFail(op: VendorOperation, kind: VendorFailureKind): void {
    const scope = this.api();
    const interceptor =
      op === 'create'
        ? scope.post('/v1/rooms', newRoom)
        : op === 'update'
          ? scope.post(`/v1/rooms/${this.lastRoom}`, roomWindow)
          : op === 'delete'
            ? scope.delete(`/v1/rooms/${this.lastRoom}`)
            : scope.get(ROOM_PATH);
    switch (kind) {
      case 'gone':
        interceptor.reply(404, { error: 'not-found', info: `room ${this.lastRoom} was not found` }, JSON_HEADERS);
        break;
      case 'rate_limited':
        interceptor.reply(429, { error: 'rate-limit-error' }, { ...JSON_HEADERS, 'Retry-After': '3' });
        break;
      case 'unavailable':
        interceptor.reply(503, '<html><body>Service Unavailable</body></html>', { 'content-type': 'text/html' });
        break;
      case 'rejected':
        interceptor.reply(400, { error: 'invalid-request-error', info: 'properties.exp is invalid' }, JSON_HEADERS);
        // A refused create makes the adapter ask whether the room exists anyway (a name taken by an
        // earlier create is refused with the same 400): Daily answers as it would.
        if (op === 'create') scope.get(ROOM_PATH).reply((uri) => this.lookUp(roomIn(uri)));
        break;
      case 'hang':
        interceptor.delay(30_000).reply(200, {});
        break;
    }
    this.scopes.push(scope);
  }

  done(): void {
    for (const scope of this.scopes) scope.done();
    expect(this.unexpected, 'requests Daily was not expected to receive').to.deep.equal([]);
  }

  private lookUp(room: string): [number, Record<string, unknown>] {
    return this.rooms.has(room)
      ? [200, { name: room, url: `https://contract.daily.co/${room}`, privacy: 'public' }]
      : [404, { error: 'not-found', info: `room ${room} not found` }];
  }

  private api(): nock.Scope {
    return nock(DAILY_API_ORIGIN).matchHeader('authorization', `Bearer ${this.key}`);
  }
}

const DAILY_RUNS: readonly (readonly [string, string | undefined])[] = [
  ['deployment key', DAILY_DEPLOYMENT_KEY],
  ['per-link key', undefined],
];
for (const [run, deploymentKey] of DAILY_RUNS) {
  describeVideoVendorContract(`DailyVideoVendor (Daily under nock, ${run})`, () => {
    nock.disableNetConnect();
    const remote = new DailyNockRemote(deploymentKey ?? DAILY_LINK_KEY);
    nock.emitter.on('no match', remote.onNoMatch);
    const vendor = new DailyVideoVendor({
      apiUrl: `${DAILY_API_ORIGIN}/v1`,
      ...(deploymentKey === undefined ? {} : { apiKey: deploymentKey }),
      timeoutMs: 5_000,
      joinEarlyMinutes: 15,
      joinLateMinutes: 60,
    });
    expect(vendor.connection.kind).to.equal(deploymentKey === undefined ? 'account_key' : 'none');
    return Promise.resolve({
      vendor,
      remote,
      failures: ALL_VENDOR_FAILURES,
      // With a deployment key the link has no token of its own; with per-link keys it carries the pasted key.
      call: aCall(DAILY_VENDOR_ID, deploymentKey === undefined ? DAILY_LINK_KEY : undefined),
      cleanup: () => {
        nock.emitter.removeListener('no match', remote.onNoMatch);
        nock.abortPendingRequests();
        nock.cleanAll();
        nock.enableNetConnect();
        return Promise.resolve();
      },
    });
  });
}
