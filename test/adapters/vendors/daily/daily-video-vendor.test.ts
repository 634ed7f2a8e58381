import { expect } from 'chai';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import nock from 'nock';

import type { VendorCall } from '../../../../src/application/ports/video-vendor.js';
import type { DailyConfig } from '../../../../src/adapters/vendors/daily/daily-config.js';
import { DailyVideoVendor } from '../../../../src/adapters/vendors/daily/daily-video-vendor.js';
import { derivedRoomName } from '../../../../src/adapters/vendors/kit/room-names.js';
import type { VendorError } from '../../../../src/domain/errors.js';
import { type MeetingDetails, StartTime, Topic } from '../../../../src/domain/meeting-details.js';
import { startTimeToInstant } from '../../../../src/domain/time.js';
import { expectLeft, expectRight } from '../../../support/either.js';
import { aLink, aMeetingId, aVendorId, decoded, someDetails } from '../../../support/fixtures.js';

const API_ORIGIN = 'https://api.daily.test';
const API = `${API_ORIGIN}/v1`;
const DEPLOYMENT_KEY = 'daily-deployment-key-DDDD';
const LINK_KEY = 'daily-link-key-LLLL';
const SECRETS = [DEPLOYMENT_KEY, LINK_KEY];
const ROOM = 'quarterly-review-abcdefghijklmnop';
const ROOM_URL = `https://acme.daily.co/${ROOM}`;
const JSON_HEADERS = { 'content-type': 'application/json' };

/** '2026-12-01 15:00', 60 minutes, 15 early and 60 late: 14:45Z to 17:00Z. */
const NBF = Date.UTC(2026, 11, 1, 14, 45) / 1000;
const EXP = Date.UTC(2026, 11, 1, 17, 0) / 1000;

const CONFIG: DailyConfig = { apiUrl: API, timeoutMs: 2_000, joinEarlyMinutes: 15, joinLateMinutes: 60 };

const daily = (config: Partial<DailyConfig> = {}): DailyVideoVendor => new DailyVideoVendor({ ...CONFIG, ...config });
const keyed = (config: Partial<DailyConfig> = {}): DailyVideoVendor => daily({ apiKey: DEPLOYMENT_KEY, ...config });

const aCall = (accessToken?: string, signal: AbortSignal = new AbortController().signal): VendorCall => ({
  link: aLink({ vendor: aVendorId('daily') }),
  signal,
  ...(accessToken === undefined ? {} : { accessToken }),
});

const details = (start: string, durationMinutes = 60, topic = 'Quarterly review'): MeetingDetails =>
  someDetails({
    topic: decoded(Topic, topic),
    start: startTimeToInstant(decoded(StartTime, start)),
    durationMinutes: durationMinutes as MeetingDetails['durationMinutes'],
  });

const api = (key: string) => nock(API_ORIGIN).matchHeader('authorization', `Bearer ${key}`).matchHeader('accept', 'application/json');
const ref = { meetingId: aMeetingId(), vendorRef: ROOM };

/** The Left of a task, checked to leak no key. */
async function failure<A>(task: TE.TaskEither<VendorError, A>): Promise<VendorError> {
  const error = expectLeft(await task());
  const shown = JSON.stringify(error);
  for (const secret of SECRETS) expect(shown, 'a key in the error').not.to.include(secret);
  return error;
}

const createBody = (body: { name?: unknown; privacy?: unknown; properties?: unknown }): boolean =>
  typeof body.name === 'string' &&
  /^quarterly-review-[a-z2-7]{16}$/.test(body.name) &&
  body.privacy === 'public' &&
  JSON.stringify(body.properties) === JSON.stringify({ nbf: NBF, exp: EXP });

describe('DailyVideoVendor', () => {
  let unexpected: string[] = [];
  const onNoMatch = (req: { method?: string; path?: string; href?: string }): void => {
    unexpected.push(`${req.method ?? '?'} ${req.href ?? req.path ?? '?'}`);
  };

  before(() => nock.disableNetConnect());
  after(() => nock.enableNetConnect());
  beforeEach(() => {
    unexpected = [];
    nock.emitter.on('no match', onNoMatch);
  });
  afterEach(() => {
    nock.emitter.removeListener('no match', onNoMatch);
    nock.abortPendingRequests();
    nock.cleanAll();
    expect(unexpected, 'requests Daily was not expected to receive').to.deep.equal([]);
  });

  describe('createMeeting', () => {
    it('creates a public room open from start − 15 min to end + 60 min, with the deployment key', async () => {
      let sent: unknown;
      const scope = api(DEPLOYMENT_KEY)
        .matchHeader('content-type', 'application/json')
        .post('/v1/rooms', (body: { name?: unknown }) => {
          sent = body;
          return createBody(body);
        })
        .reply(200, (_uri, body) => ({ id: 'r1', name: (body as { name: string }).name, url: `https://acme.daily.co/${(body as { name: string }).name}`, privacy: 'public' }));

      const meeting = expectRight(
        await keyed().createMeeting(aCall('ignored-token'), { meetingId: aMeetingId(), details: details('2026-12-01 15:00') })(),
      );

      const name = (sent as { name: string }).name;
      expect(sent).to.deep.equal({ name, privacy: 'public', properties: { nbf: NBF, exp: EXP } });
      expect(meeting).to.deep.equal({ vendorRef: name, joinUrl: `https://acme.daily.co/${name}` });
      scope.done();
    });

    it("uses the link's own key when the deployment has none", async () => {
      const scope = api(LINK_KEY).post('/v1/rooms', createBody).reply(200, { name: ROOM, url: ROOM_URL }, JSON_HEADERS);

      const meeting = expectRight(
        await daily().createMeeting(aCall(LINK_KEY), { meetingId: aMeetingId(), details: details('2026-12-01 15:00') })(),
      );

      expect(meeting).to.deep.equal({ vendorRef: ROOM, joinUrl: ROOM_URL });
      scope.done();
    });

    it('names the room from the meeting id, keyed with the API key that makes it', async () => {
      const meetingId = aMeetingId();
      const sent: string[] = [];
      /** Daily's 200 for the room asked for, noting its name (once per request, unlike a body matcher). */
      const made = (_uri: string, body: unknown) => {
        const { name } = body as { name: string };
        sent.push(name);
        return { name, url: `https://acme.daily.co/${name}` };
      };
      const scope = api(DEPLOYMENT_KEY).post('/v1/rooms', createBody).times(3).reply(200, made);
      const linkScope = api(LINK_KEY).post('/v1/rooms', createBody).reply(200, made);

      for (const id of [meetingId, meetingId, aMeetingId()]) {
        expectRight(await keyed().createMeeting(aCall(), { meetingId: id, details: details('2026-12-01 15:00') })());
      }
      expectRight(await daily().createMeeting(aCall(LINK_KEY), { meetingId, details: details('2026-12-01 15:00') })());

      const [first, again, other, linkKeyed] = sent;
      expect(first).to.equal(derivedRoomName('Quarterly review', meetingId, DEPLOYMENT_KEY)).and.match(/^quarterly-review-[a-z2-7]{16}$/);
      expect(again, 'the same meeting and key name the same room').to.equal(first);
      expect(other, 'another meeting, another room').not.to.equal(first);
      expect(linkKeyed, 'another key, another room').to.equal(derivedRoomName('Quarterly review', meetingId, LINK_KEY)).and.not.equal(first);
      scope.done();
      linkScope.done();
    });

    it('answers the room an earlier create for the same meeting made, when Daily refuses the name as taken', async () => {
      const meetingId = aMeetingId();
      const name = derivedRoomName('Quarterly review', meetingId, LINK_KEY);
      const scope = api(LINK_KEY)
        .post('/v1/rooms', createBody)
        .reply(400, { error: 'invalid-request-error', info: `a room named ${name} already exists` }, JSON_HEADERS)
        .get(`/v1/rooms/${name}`)
        .reply(200, { id: 'r1', name, url: `https://acme.daily.co/${name}`, privacy: 'public', config: { nbf: NBF, exp: EXP } });

      const meeting = expectRight(await daily().createMeeting(aCall(LINK_KEY), { meetingId, details: details('2026-12-01 15:00') })());

      expect(meeting).to.deep.equal({ vendorRef: name, joinUrl: `https://acme.daily.co/${name}` });
      scope.done();
    });

    for (const [what, status, body] of [
      ['Daily has no such room', 404, { error: 'not-found', info: 'room not found' }],
      ['the look-up fails too', 500, { error: 'server-error' }],
    ] as const) {
      it(`keeps Daily's refusal of a create when ${what}`, async () => {
        const meetingId = aMeetingId();
        const name = derivedRoomName('Quarterly review', meetingId, DEPLOYMENT_KEY);
        const scope = api(DEPLOYMENT_KEY)
          .post('/v1/rooms', createBody)
          .reply(400, { error: 'invalid-request-error', info: 'properties.exp must be in the future' }, JSON_HEADERS)
          .get(`/v1/rooms/${name}`)
          .reply(status, body, JSON_HEADERS);

        const error = await failure(keyed().createMeeting(aCall(), { meetingId, details: details('2026-12-01 15:00') }));

        expect(error).to.deep.equal({
          _tag: 'VendorRejected',
          message: 'Daily POST /rooms answered 400: invalid-request-error: properties.exp must be in the future',
        });
        scope.done();
      });
    }

    it('names a room without a topic slug with the keyed part alone, and honours other windows', async () => {
      const scope = api(DEPLOYMENT_KEY)
        .post('/v1/rooms', (body: { name?: string; properties?: unknown }) =>
          /^[a-z2-7]{16}$/.test(body.name ?? '') &&
          JSON.stringify(body.properties) === JSON.stringify({ nbf: Date.UTC(2026, 11, 31, 23, 30) / 1000, exp: Date.UTC(2027, 0, 1, 0, 30) / 1000 }),
        )
        .reply(200, { name: ROOM, url: ROOM_URL });

      expectRight(
        await keyed({ joinEarlyMinutes: 0, joinLateMinutes: 0 }).createMeeting(aCall(), {
          meetingId: aMeetingId(),
          details: details('2026-12-31 23:30', 60, '日本語'),
        })(),
      );
      scope.done();
    });

    it('without a key for the link is VendorAuthorizationRevoked, and calls nobody', async () => {
      const error = await failure(daily().createMeeting(aCall(), { meetingId: aMeetingId(), details: details('2026-12-01 15:00') }));
      expect(error._tag).to.equal('VendorAuthorizationRevoked');
    });

    it('an answer that does not decode is VendorUnavailable', async () => {
      const scope = api(DEPLOYMENT_KEY).post('/v1/rooms').reply(200, { name: ROOM, url: 'not a url' });
      const error = await failure(keyed().createMeeting(aCall(), { meetingId: aMeetingId(), details: details('2026-12-01 15:00') }));
      expect(error).to.deep.include({ _tag: 'VendorUnavailable' });
      expect(error.message).to.include('url');
      scope.done();
    });

    it("a 400 is VendorRejected with Daily's words", async () => {
      const scope = api(LINK_KEY)
        .post('/v1/rooms')
        .reply(400, { error: 'invalid-request-error', info: `nbf must be a number (key ${LINK_KEY})` }, JSON_HEADERS)
        .get(/^\/v1\/rooms\/[a-z2-7-]+$/)
        .reply(404, { error: 'not-found' }, JSON_HEADERS);
      const error = await failure(daily().createMeeting(aCall(LINK_KEY), { meetingId: aMeetingId(), details: details('2026-12-01 15:00') }));
      expect(error._tag).to.equal('VendorRejected');
      expect(error.message).to.include('POST /rooms answered 400: invalid-request-error: nbf must be a number (key [redacted])');
      scope.done();
    });
  });

  describe('updateMeeting', () => {
    it('moves the window of the room', async () => {
      const scope = api(DEPLOYMENT_KEY)
        .matchHeader('content-type', 'application/json')
        .post(`/v1/rooms/${ROOM}`, { properties: { nbf: NBF, exp: EXP } })
        .reply(200, { name: ROOM, url: ROOM_URL });
      expectRight(await keyed().updateMeeting(aCall(), ref, details('2026-12-01 15:00', 60, 'Another topic'))());
      scope.done();
    });

    it('of a room Daily no longer has is VendorMeetingGone', async () => {
      const scope = api(LINK_KEY).post(`/v1/rooms/${ROOM}`).reply(404, { error: 'not-found', info: `room ${ROOM} was not found` });
      const error = await failure(daily().updateMeeting(aCall(LINK_KEY), ref, details('2026-12-01 15:00')));
      expect(error._tag).to.equal('VendorMeetingGone');
      scope.done();
    });
  });

  describe('deleteMeeting', () => {
    it('deletes the room', async () => {
      const scope = api(LINK_KEY).delete(`/v1/rooms/${ROOM}`).reply(200, { deleted: true, name: ROOM });
      expectRight(await daily().deleteMeeting(aCall(LINK_KEY), ref)());
      scope.done();
    });

    it('of a room Daily no longer has succeeds', async () => {
      const scope = api(DEPLOYMENT_KEY).delete(`/v1/rooms/${ROOM}`).reply(404, { error: 'not-found', info: 'not found' });
      expectRight(await keyed().deleteMeeting(aCall(), ref)());
      scope.done();
    });
  });

  describe('findCreated', () => {
    const SINCE = new Date('2026-06-15T18:29:40.500Z');

    it('answers the room a create for the input made: GET /rooms/<the derived name>', async () => {
      const meetingId = aMeetingId();
      const name = derivedRoomName('Quarterly review', meetingId, DEPLOYMENT_KEY);
      const scope = api(DEPLOYMENT_KEY).get(`/v1/rooms/${name}`).reply(200, { id: 'r1', name, url: `https://acme.daily.co/${name}`, privacy: 'public' });

      const found = expectRight(await keyed().findCreated(aCall(), { meetingId, details: details('2026-12-01 15:00') }, SINCE)());

      expect(found).to.deep.equal([name]);
      scope.done();
    });

    it('answers nothing when Daily has no such room (404)', async () => {
      const meetingId = aMeetingId();
      const name = derivedRoomName('Quarterly review', meetingId, LINK_KEY);
      const scope = api(LINK_KEY).get(`/v1/rooms/${name}`).reply(404, { error: 'not-found', info: `room ${name} not found` }, JSON_HEADERS);

      const found = expectRight(await daily().findCreated(aCall(LINK_KEY), { meetingId, details: details('2026-12-01 15:00') }, SINCE)());

      expect(found).to.deep.equal([]);
      scope.done();
    });

    it('answers VendorUnavailable naming the field for a room that does not decode', async () => {
      const meetingId = aMeetingId();
      const name = derivedRoomName('Quarterly review', meetingId, DEPLOYMENT_KEY);
      const scope = api(DEPLOYMENT_KEY).get(`/v1/rooms/${name}`).reply(200, { name, url: 42 });

      const error = await failure(keyed().findCreated(aCall(), { meetingId, details: details('2026-12-01 15:00') }, SINCE));

      expect(error._tag).to.equal('VendorUnavailable');
      expect(error.message).to.include(`GET /rooms/${name}`).and.include('missing or invalid: url');
      scope.done();
    });

    it('answers the failure, not "nothing there", when Daily fails', async () => {
      const scope = api(DEPLOYMENT_KEY).get(/^\/v1\/rooms\/.+$/).reply(503, '<html>down</html>');

      const error = await failure(keyed().findCreated(aCall(), { meetingId: aMeetingId(), details: details('2026-12-01 15:00') }, SINCE));

      expect(error._tag).to.equal('VendorUnavailable');
      scope.done();
    });

    it('without a key for the link is VendorAuthorizationRevoked, and calls nobody', async () => {
      const error = await failure(daily().findCreated(aCall(), { meetingId: aMeetingId(), details: details('2026-12-01 15:00') }, SINCE));
      expect(error._tag).to.equal('VendorAuthorizationRevoked');
    });

    it("the caller's aborted signal is VendorTimeout", async () => {
      const scope = api(DEPLOYMENT_KEY).get(/^\/v1\/rooms\/.+$/).delay(5_000).reply(404, { error: 'not-found' });
      const error = await failure(
        keyed().findCreated(aCall(undefined, AbortSignal.timeout(50)), { meetingId: aMeetingId(), details: details('2026-12-01 15:00') }, SINCE),
      );
      expect(error._tag).to.equal('VendorTimeout');
      scope.done();
    });
  });

  describe('failures', () => {
    it("a refused link key is VendorTokenRejected (401 and 403)", async () => {
      for (const status of [401, 403]) {
        const scope = api(LINK_KEY).delete(`/v1/rooms/${ROOM}`).reply(status, { error: 'authorization-error', info: 'bad key' });
        const error = await failure(daily().deleteMeeting(aCall(LINK_KEY), ref));
        expect(error._tag).to.equal('VendorTokenRejected');
        scope.done();
      }
    });

    it("a refused deployment key is VendorRejected naming DAILY_API_KEY: the user's link is not to blame", async () => {
      const scope = api(DEPLOYMENT_KEY).post(`/v1/rooms/${ROOM}`).reply(401, { error: 'authorization-error' });
      const error = await failure(keyed().updateMeeting(aCall(), ref, details('2026-12-01 15:00')));
      expect(error._tag).to.equal('VendorRejected');
      expect(error.message).to.include('DAILY_API_KEY');
      scope.done();
    });

    it('a 429 is VendorRateLimited with Retry-After, not retried', async () => {
      const scope = api(DEPLOYMENT_KEY).post('/v1/rooms').reply(429, { error: 'rate-limit-error' }, { ...JSON_HEADERS, 'Retry-After': '12' });
      const error = await failure(keyed().createMeeting(aCall(), { meetingId: aMeetingId(), details: details('2026-12-01 15:00') }));
      expect(error).to.deep.include({ _tag: 'VendorRateLimited', retryAfterSeconds: 12 });
      scope.done();
    });

    it('a 429 without Retry-After has no retryAfterSeconds', async () => {
      const scope = api(DEPLOYMENT_KEY).delete(`/v1/rooms/${ROOM}`).reply(429, 'Too Many Requests');
      const error = await failure(keyed().deleteMeeting(aCall(), ref));
      expect(error._tag).to.equal('VendorRateLimited');
      expect(error).not.to.have.property('retryAfterSeconds');
      scope.done();
    });

    it('a 500 is VendorUnavailable', async () => {
      const scope = api(DEPLOYMENT_KEY).post('/v1/rooms').reply(500, { error: 'server-error', info: 'oops' });
      const error = await failure(keyed().createMeeting(aCall(), { meetingId: aMeetingId(), details: details('2026-12-01 15:00') }));
      expect(error).to.deep.equal({ _tag: 'VendorUnavailable', message: 'Daily POST /rooms answered 500: server-error: oops' });
      scope.done();
    });

    it('an XML body is described, never shown', async () => {
      const scope = api(DEPLOYMENT_KEY)
        .post(`/v1/rooms/${ROOM}`)
        .reply(502, '<?xml version="1.0"?><Error>Bad Gateway</Error>', { 'content-type': 'application/xml' });
      const error = await failure(keyed().updateMeeting(aCall(), ref, details('2026-12-01 15:00')));
      expect(error).to.deep.equal({
        _tag: 'VendorUnavailable',
        message: `Daily POST /rooms/${ROOM} answered 502 with a body that is not JSON (XML)`,
      });
      scope.done();
    });

    it('a network failure is VendorUnavailable', async () => {
      const scope = api(DEPLOYMENT_KEY).delete(`/v1/rooms/${ROOM}`).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
      const error = await failure(keyed().deleteMeeting(aCall(), ref));
      expect(error._tag).to.equal('VendorUnavailable');
      scope.done();
    });

    it('Daily not answering within DAILY_TIMEOUT_MS is VendorTimeout', async () => {
      const scope = api(DEPLOYMENT_KEY).post('/v1/rooms').delay(5_000).reply(200, { name: ROOM, url: ROOM_URL });
      const started = performance.now();
      const error = await failure(keyed({ timeoutMs: 100 }).createMeeting(aCall(), { meetingId: aMeetingId(), details: details('2026-12-01 15:00') }));
      expect(error).to.deep.equal({ _tag: 'VendorTimeout', message: 'Daily POST /rooms did not answer within 100 ms' });
      expect(performance.now() - started).to.be.below(1_500);
      scope.done();
    });

    it("the caller's aborted signal is VendorTimeout", async () => {
      const scope = api(LINK_KEY).delete(`/v1/rooms/${ROOM}`).delay(5_000).reply(200, { deleted: true });
      const error = await failure(daily().deleteMeeting(aCall(LINK_KEY, AbortSignal.timeout(50)), ref));
      expect(error._tag).to.equal('VendorTimeout');
      expect(error.message).to.include('cancelled');
      scope.done();
    });
  });

  describe('connection', () => {
    it('is none when the deployment has a key', () => {
      expect(keyed().connection).to.deep.equal({ kind: 'none' });
    });

    it('asks each user for their key when it has none, and accepts a key Daily accepts', async () => {
      const connection = daily().connection;
      if (connection.kind !== 'account_key') return expect.fail(`expected account_key, got ${connection.kind}`);
      expect(connection.keyLabel).to.equal('Daily API key');
      expect(connection.keyHelp).to.equal('In the Daily dashboard: Developers, API keys.');
      const scope = api(LINK_KEY).get('/v1/').reply(200, { domain_name: 'acme', config: { hide_daily_branding: false } });

      const tokens = expectRight(await connection.validateKey(`  ${LINK_KEY}\n`, new AbortController().signal)());

      expect(tokens).to.deep.equal({ accessToken: LINK_KEY, vendorUserId: 'acme' });
      scope.done();
    });

    it('refuses a key Daily refuses with VendorTokenRejected, and a malformed key without asking', async () => {
      const connection = daily().connection;
      if (connection.kind !== 'account_key') return expect.fail(`expected account_key, got ${connection.kind}`);
      const scope = api(LINK_KEY).get('/v1/').reply(401, { error: 'authorization-error', info: 'authorization header missing or invalid' });

      expect((await failure(connection.validateKey(LINK_KEY, new AbortController().signal)))._tag).to.equal('VendorTokenRejected');
      expect((await failure(connection.validateKey('two words', new AbortController().signal)))._tag).to.equal('VendorTokenRejected');
      expect((await failure(connection.validateKey('', new AbortController().signal)))._tag).to.equal('VendorTokenRejected');
      scope.done();
    });

    it('says Daily failed (not that the key is bad) when validation meets a 5xx', async () => {
      const connection = daily().connection;
      if (connection.kind !== 'account_key') return expect.fail(`expected account_key, got ${connection.kind}`);
      const scope = api(LINK_KEY).get('/v1/').reply(503, '<html>down</html>');
      expect((await failure(connection.validateKey(LINK_KEY, new AbortController().signal)))._tag).to.equal('VendorUnavailable');
      scope.done();
    });
  });
});
