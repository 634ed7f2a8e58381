import { expect } from 'chai';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import nock from 'nock';

import type { VendorCall } from '../../../../src/application/ports/video-vendor.js';
import type { ZoomConfig } from '../../../../src/adapters/vendors/zoom/zoom-config.js';
import type { ZoomRetryPolicy } from '../../../../src/adapters/vendors/zoom/zoom-http.js';
import { LIST_MAX_PAGES, ZoomVideoVendor } from '../../../../src/adapters/vendors/zoom/zoom-video-vendor.js';
import type { VendorError } from '../../../../src/domain/errors.js';
import { type MeetingDetails, StartTime, Topic } from '../../../../src/domain/meeting-details.js';
import { startTimeToInstant } from '../../../../src/domain/time.js';
import { expectLeft, expectRight } from '../../../support/either.js';
import { aLink, aMeetingId, aVendorId, decoded, someDetails } from '../../../support/fixtures.js';

const OAUTH = 'https://zoom.test';
const API_ORIGIN = 'https://api.zoom.test';
const API = `${API_ORIGIN}/v2`;
const CLIENT_ID = 'zoom-client-id';
const CLIENT_SECRET = 'zoom-client-secret-shh';
const BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
const ACCESS = 'zoom-access-AAAA';
const REFRESH = 'zoom-refresh-RRRR';
const NEW_ACCESS = 'zoom-access-BBBB';
const NEW_REFRESH = 'zoom-refresh-SSSS';
const CODE = 'zoom-code-CCCC';
const REDIRECT_URI = 'https://app.example.test/oauth/vendor/callback';
const FORM = 'application/x-www-form-urlencoded';

/** Larger than 2^53: JSON.parse would make it 98765432109876540. */
const BIG_ID = '98765432109876543';
const JOIN_URL = `https://us02web.zoom.us/j/${BIG_ID}?pwd=c2VjcmV0`;
const START_URL = `https://us02web.zoom.us/s/${BIG_ID}?zak=host-only-token`;
const INVITATION = 'Alice is inviting you to a scheduled Zoom meeting.\n\nJoin Zoom Meeting\n' + JOIN_URL;

/** Nothing a message may ever carry. */
const SECRETS = [ACCESS, REFRESH, NEW_ACCESS, NEW_REFRESH, CODE, CLIENT_SECRET, BASIC.slice('Basic '.length)];

/** 18:30 UTC: five and a half hours before Zoom's daily limits reset. */
const NOW = new Date('2026-06-15T18:30:00.000Z');
const FAST_RETRY: ZoomRetryPolicy = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20, random: () => 0.5 };

const CONFIG: ZoomConfig = {
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  webhookSecretToken: 'webhook-secret',
  oauthUrl: OAUTH,
  apiUrl: API,
  timeoutMs: 2_000,
};

function zoom(options: { config?: Partial<ZoomConfig>; now?: Date; retry?: Partial<ZoomRetryPolicy> } = {}): ZoomVideoVendor {
  const now = options.now ?? NOW;
  return new ZoomVideoVendor({ ...CONFIG, ...options.config }, { now: () => now }, { ...FAST_RETRY, ...options.retry });
}

const tokenlessCall = (signal: AbortSignal = new AbortController().signal): VendorCall => ({
  link: aLink({ vendor: aVendorId('zoom') }),
  signal,
});
const aCall = (signal?: AbortSignal): VendorCall => ({ ...tokenlessCall(signal), accessToken: ACCESS });

const details = (start: string, durationMinutes = 60, topic = 'Quarterly review'): MeetingDetails =>
  someDetails({
    topic: decoded(Topic, topic),
    start: startTimeToInstant(decoded(StartTime, start)),
    durationMinutes: durationMinutes as MeetingDetails['durationMinutes'],
  });

const fieldsFor = (start_time: string, duration = 60, topic = 'Quarterly review') => ({
  topic,
  type: 2,
  start_time,
  duration,
  timezone: 'UTC',
});

/** Zoom's 201, written as Zoom writes it: the id a bare int64. */
const createdBody = (fields: { password?: string } = { password: 'abc123' }): string =>
  `{"uuid":"4444AAAiAAAAAiAiAiiAii==","id":${BIG_ID},"host_id":"KdYKjnimT4KPd8FFgQt9FQ","topic":"Quarterly review",` +
  `"type":2,"start_time":"2026-12-31T23:30:00Z","duration":60,"timezone":"UTC","created_at":"2026-06-15T18:30:00Z",` +
  `"start_url":${JSON.stringify(START_URL)},"join_url":${JSON.stringify(JOIN_URL)}` +
  `${fields.password === undefined ? '' : `,"password":${JSON.stringify(fields.password)}`},` +
  `"settings":{"host_video":false,"tracking_fields":[{"id":12345678901234567,"field":"x"}]}}`;

const JSON_HEADERS = { 'content-type': 'application/json;charset=UTF-8' };

/** The API, expecting the bearer token. */
const api = () => nock(API_ORIGIN).matchHeader('authorization', `Bearer ${ACCESS}`).matchHeader('accept', 'application/json');
const createEndpoint = (body: ReturnType<typeof fieldsFor>) =>
  api().post('/v2/users/me/meetings', body).matchHeader('content-type', 'application/json');
const invitationEndpoint = () => api().get(`/v2/meetings/${BIG_ID}/invitation`);
/** The token endpoint, expecting exactly this form with Basic auth. */
const tokenEndpoint = (form: string) =>
  nock(OAUTH).matchHeader('authorization', BASIC).matchHeader('content-type', FORM).post('/oauth/token', form);

const ref = { meetingId: aMeetingId(), vendorRef: BIG_ID };

/** The Left of a task, checked to leak none of the secrets. */
async function failure<A>(task: TE.TaskEither<VendorError, A>): Promise<VendorError> {
  const error = expectLeft(await task());
  const shown = JSON.stringify(error);
  for (const secret of SECRETS) expect(shown, 'a secret in the error').not.to.include(secret);
  return error;
}

const zoomError = (code: number, message: string): string => JSON.stringify({ code, message });

describe('ZoomVideoVendor', () => {
  /** Every request nock could not match: a call Zoom was not expected to receive. */
  let unexpected: string[] = [];
  const onNoMatch = (req: { method?: string; path?: string; href?: string }): void => {
    unexpected.push(`${req.method ?? '?'} ${req.href ?? req.path ?? '?'}`);
  };

  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  after(() => nock.enableNetConnect());
  beforeEach(() => {
    unexpected = [];
    nock.emitter.on('no match', onNoMatch);
  });
  afterEach(() => {
    nock.emitter.removeListener('no match', onNoMatch);
    nock.abortPendingRequests();
    nock.cleanAll();
    expect(unexpected, 'requests Zoom was not expected to receive').to.deep.equal([]);
  });

  describe('createMeeting', () => {
    it('sends the start in UTC with Z (across midnight and the year end) and answers the meeting', async () => {
      const scope = createEndpoint(fieldsFor('2026-12-31T23:30:00Z', 60))
        .reply(201, createdBody(), JSON_HEADERS)
        .get(`/v2/meetings/${BIG_ID}/invitation`)
        .reply(200, { invitation: INVITATION, sip_links: [] });

      const meeting = expectRight(
        await zoom().createMeeting(aCall(), { meetingId: aMeetingId(), details: details('2026-12-31 23:30', 60) })(),
      );

      expect(meeting).to.deep.equal({ vendorRef: BIG_ID, joinUrl: JOIN_URL, password: 'abc123', invitation: INVITATION });
      scope.done();
    });

    it('keeps the int64 meeting id exact, as a string', async () => {
      const scope = createEndpoint(fieldsFor('2026-12-31T23:30:00Z'))
        .reply(201, createdBody(), JSON_HEADERS)
        .get(`/v2/meetings/${BIG_ID}/invitation`)
        .reply(200, { invitation: INVITATION });

      const meeting = expectRight(
        await zoom().createMeeting(aCall(), { meetingId: aMeetingId(), details: details('2026-12-31 23:30') })(),
      );

      expect(meeting.vendorRef).to.equal('98765432109876543');
      expect(String(JSON.parse(createdBody()).id)).not.to.equal(BIG_ID, 'the fixture must be beyond 2^53');
      scope.done();
    });

    it('sends a leap day as it is', async () => {
      const scope = createEndpoint(fieldsFor('2028-02-29T10:00:00Z', 30))
        .reply(201, createdBody(), JSON_HEADERS)
        .get(`/v2/meetings/${BIG_ID}/invitation`)
        .reply(200, { invitation: INVITATION });

      expectRight(await zoom().createMeeting(aCall(), { meetingId: aMeetingId(), details: details('2028-02-29 10:00', 30) })());
      scope.done();
    });

    it("cuts the topic to Zoom's 200 characters, counted in code points", async () => {
      const long = '😀'.repeat(250);
      const scope = createEndpoint(fieldsFor('2026-12-31T23:30:00Z', 60, '😀'.repeat(200)))
        .reply(201, createdBody(), JSON_HEADERS)
        .get(`/v2/meetings/${BIG_ID}/invitation`)
        .reply(200, { invitation: INVITATION });

      expectRight(
        await zoom().createMeeting(aCall(), { meetingId: aMeetingId(), details: details('2026-12-31 23:30', 60, long) })(),
      );
      scope.done();
    });

    for (const [what, body] of [
      ['no password', createdBody({})],
      ['an empty password', createdBody({ password: '' })],
    ] as const) {
      it(`leaves the password out when Zoom gives ${what}`, async () => {
        const scope = createEndpoint(fieldsFor('2026-12-31T23:30:00Z'))
          .reply(201, body, JSON_HEADERS)
          .get(`/v2/meetings/${BIG_ID}/invitation`)
          .reply(200, { invitation: INVITATION });

        const meeting = expectRight(
          await zoom().createMeeting(aCall(), { meetingId: aMeetingId(), details: details('2026-12-31 23:30') })(),
        );

        expect(meeting).not.to.have.property('password');
        expect(Object.keys(meeting).sort()).to.deep.equal(['invitation', 'joinUrl', 'vendorRef']);
        scope.done();
      });
    }

    it("never answers the host's start URL", async () => {
      const scope = createEndpoint(fieldsFor('2026-12-31T23:30:00Z'))
        .reply(201, createdBody(), JSON_HEADERS)
        .get(`/v2/meetings/${BIG_ID}/invitation`)
        .reply(200, { invitation: INVITATION });

      const meeting = expectRight(
        await zoom().createMeeting(aCall(), { meetingId: aMeetingId(), details: details('2026-12-31 23:30') })(),
      );

      expect(JSON.stringify(meeting)).not.to.include('/s/').and.not.to.include('zak=');
      scope.done();
    });

    const invitationFailures: readonly (readonly [string, (i: nock.Interceptor) => nock.Scope])[] = [
      ['a 500', (i) => i.reply(500, zoomError(500, 'Internal error'), JSON_HEADERS)],
      ['an XML error', (i) => i.reply(400, '<?xml version="1.0"?><error><code>300</code></error>', { 'content-type': 'application/xml' })],
      ['a 200 that is XML', (i) => i.reply(200, '<?xml version="1.0"?><invitation/>', { 'content-type': 'application/xml' })],
      ['a refused token', (i) => i.reply(401, zoomError(124, 'Invalid access token.'), JSON_HEADERS)],
      ['a network error', (i) => i.replyWithError('socket hang up')],
    ];
    for (const [what, reply] of invitationFailures) {
      it(`still creates the meeting, without an invitation, when the invitation call fails with ${what}`, async () => {
        const scope = createEndpoint(fieldsFor('2026-12-31T23:30:00Z')).reply(201, createdBody(), JSON_HEADERS);
        const invitation = reply(invitationEndpoint());

        const meeting = expectRight(
          await zoom().createMeeting(aCall(), { meetingId: aMeetingId(), details: details('2026-12-31 23:30') })(),
        );

        expect(meeting).to.deep.equal({ vendorRef: BIG_ID, joinUrl: JOIN_URL, password: 'abc123' });
        scope.done();
        invitation.done();
      });
    }

    it('answers VendorTokenRejected for code 124', async () => {
      const scope = createEndpoint(fieldsFor('2026-12-31T23:30:00Z')).reply(
        401,
        zoomError(124, 'Invalid access token.'),
        JSON_HEADERS,
      );

      const error = await failure(
        zoom().createMeeting(aCall(), { meetingId: aMeetingId(), details: details('2026-12-31 23:30') }),
      );

      expect(error._tag).to.equal('VendorTokenRejected');
      expect(error.message).to.include('124').and.include('Invalid access token.');
      scope.done();
    });

    it('answers VendorTokenRejected for a 401 whatever its body', async () => {
      const scope = createEndpoint(fieldsFor('2026-12-31T23:30:00Z')).reply(401, '<html>Unauthorized</html>');

      const error = await failure(
        zoom().createMeeting(aCall(), { meetingId: aMeetingId(), details: details('2026-12-31 23:30') }),
      );

      expect(error._tag).to.equal('VendorTokenRejected');
      scope.done();
    });

    it('answers VendorRejected naming the missing scope for code 4700', async () => {
      const scope = createEndpoint(fieldsFor('2026-12-31T23:30:00Z')).reply(
        400,
        zoomError(4700, 'Invalid access token, does not contain scopes:[meeting:write:meeting].'),
        JSON_HEADERS,
      );

      const error = await failure(
        zoom().createMeeting(aCall(), { meetingId: aMeetingId(), details: details('2026-12-31 23:30') }),
      );

      expect(error._tag).to.equal('VendorRejected');
      expect(error.message).to.include('meeting:write:meeting').and.include('scope');
      scope.done();
    });

    it('retries a per-second 429 (Retry-After a date already reached) and then succeeds', async () => {
      const scope = createEndpoint(fieldsFor('2026-12-31T23:30:00Z'))
        .reply(429, zoomError(429, 'You have reached the maximum per-second rate limit for this API. Try again later.'), {
          ...JSON_HEADERS,
          'X-RateLimit-Type': 'QPS',
          'Retry-After': NOW.toUTCString(),
        })
        .post('/v2/users/me/meetings', fieldsFor('2026-12-31T23:30:00Z'))
        .matchHeader('content-type', 'application/json')
        .reply(201, createdBody(), JSON_HEADERS)
        .get(`/v2/meetings/${BIG_ID}/invitation`)
        .reply(200, { invitation: INVITATION });

      const meeting = expectRight(
        await zoom().createMeeting(aCall(), { meetingId: aMeetingId(), details: details('2026-12-31 23:30') })(),
      );

      expect(meeting.vendorRef).to.equal(BIG_ID);
      scope.done();
    });

    it('waits until the date Retry-After names before retrying', async () => {
      // The clock stands 300 ms before a whole second; the HTTP date names that second: 300 ms to wait.
      const retryAt = new Date('2026-06-15T18:30:01.000Z');
      const scope = api()
        .delete(`/v2/meetings/${BIG_ID}`)
        .reply(429, zoomError(429, 'You have reached the maximum per-second rate limit for this API.'), {
          ...JSON_HEADERS,
          'Retry-After': retryAt.toUTCString(),
        })
        .delete(`/v2/meetings/${BIG_ID}`)
        .reply(204);

      const started = performance.now();
      expectRight(
        await zoom({ now: new Date('2026-06-15T18:30:00.700Z'), retry: { random: () => 0 } }).deleteMeeting(aCall(), ref)(),
      );

      expect(performance.now() - started).to.be.within(280, 1_200);
      scope.done();
    });

    it('gives up with VendorRateLimited after a few per-second 429s', async () => {
      const limited = [429, zoomError(429, 'You have reached the maximum per-second rate limit for this API.'), JSON_HEADERS] as const;
      const scope = createEndpoint(fieldsFor('2026-12-31T23:30:00Z')).times(3).reply(...limited);

      const error = await failure(
        zoom().createMeeting(aCall(), { meetingId: aMeetingId(), details: details('2026-12-31 23:30') }),
      );

      expect(error._tag).to.equal('VendorRateLimited');
      scope.done();
    });

    it('does not wait past its budget for a Retry-After far ahead: VendorRateLimited at once', async () => {
      const scope = createEndpoint(fieldsFor('2026-12-31T23:30:00Z')).reply(429, zoomError(429, 'per-second rate limit'), {
        ...JSON_HEADERS,
        'Retry-After': '2026-06-15T18:30:30Z',
      });

      const started = performance.now();
      const error = await failure(
        zoom().createMeeting(aCall(), { meetingId: aMeetingId(), details: details('2026-12-31 23:30') }),
      );

      expect(error).to.deep.include({ _tag: 'VendorRateLimited', retryAfterSeconds: 30 });
      expect(performance.now() - started).to.be.below(500);
      scope.done();
    });

    it("answers the per-user daily limit (header) at once, with the seconds until 00:00 UTC, without retrying", async () => {
      const scope = createEndpoint(fieldsFor('2026-12-31T23:30:00Z')).reply(429, zoomError(429, 'Too many requests.'), {
        ...JSON_HEADERS,
        'X-RateLimit-Category': 'Medium',
        'X-RateLimit-Type': 'Daily-limit',
        'Retry-After': '2026-06-16T00:00:00Z',
      });

      const error = await failure(
        zoom().createMeeting(aCall(), { meetingId: aMeetingId(), details: details('2026-12-31 23:30') }),
      );

      expect(error).to.deep.include({ _tag: 'VendorRateLimited', retryAfterSeconds: 5.5 * 3600 });
      expect(error.message).to.include('daily');
      scope.done();
    });

    it('recognises the daily limit by its message when the headers are missing', async () => {
      const scope = api()
        .patch(`/v2/meetings/${BIG_ID}`, fieldsFor('2026-12-31T23:30:00Z'))
        .matchHeader('content-type', 'application/json')
        .reply(
          429,
          zoomError(
            429,
            'You have exceeded the daily rate limit (100) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00.',
          ),
          JSON_HEADERS,
        );

      const error = await failure(zoom({ now: new Date('2026-12-31T23:59:59.500Z') }).updateMeeting(aCall(), ref, details('2026-12-31 23:30')));

      expect(error).to.deep.include({ _tag: 'VendorRateLimited', retryAfterSeconds: 1 });
      scope.done();
    });

    it('answers VendorUnavailable for a 500 and does not send the create again', async () => {
      const scope = createEndpoint(fieldsFor('2026-12-31T23:30:00Z')).reply(500, zoomError(500, 'Internal Error'), {
        ...JSON_HEADERS,
        'x-zm-trackingid': 'v=2.0;clid=us02;rid=WEB_abc',
      });

      const error = await failure(
        zoom().createMeeting(aCall(), { meetingId: aMeetingId(), details: details('2026-12-31 23:30') }),
      );

      expect(error).to.deep.equal({
        _tag: 'VendorUnavailable',
        message: 'Zoom POST /users/me/meetings answered 500 (code 500): Internal Error [x-zm-trackingid v=2.0;clid=us02;rid=WEB_abc]',
      });
      scope.done();
      // A second POST would have shown up as an unexpected request (checked after each test).
    });

    it('answers VendorUnavailable for a network error and does not send the create again', async () => {
      const scope = createEndpoint(fieldsFor('2026-12-31T23:30:00Z')).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });

      const error = await failure(
        zoom().createMeeting(aCall(), { meetingId: aMeetingId(), details: details('2026-12-31 23:30') }),
      );

      expect(error._tag).to.equal('VendorUnavailable');
      scope.done();
    });

    for (const [what, body] of [
      ['without join_url', `{"id":${BIG_ID},"start_url":"${START_URL}"}`],
      ['with a join_url that is no URL', `{"id":${BIG_ID},"join_url":"not a url"}`],
      ['that is not JSON', '<html>Created</html>'],
    ] as const) {
      it(`answers VendorUnavailable for a 201 ${what}`, async () => {
        const scope = createEndpoint(fieldsFor('2026-12-31T23:30:00Z')).reply(201, body, JSON_HEADERS);

        const error = await failure(
          zoom().createMeeting(aCall(), { meetingId: aMeetingId(), details: details('2026-12-31 23:30') }),
        );

        expect(error._tag).to.equal('VendorUnavailable');
        expect(error.message).not.to.include('zak=');
        scope.done();
      });
    }

    it('answers VendorTimeout, quickly, when Zoom does not answer within ZOOM_TIMEOUT_MS', async () => {
      const scope = createEndpoint(fieldsFor('2026-12-31T23:30:00Z')).delay(3_000).reply(201, createdBody(), JSON_HEADERS);

      const started = performance.now();
      const error = await failure(
        zoom({ config: { timeoutMs: 100 } }).createMeeting(aCall(), { meetingId: aMeetingId(), details: details('2026-12-31 23:30') }),
      );

      expect(error._tag).to.equal('VendorTimeout');
      expect(error.message).to.include('100 ms');
      expect(performance.now() - started).to.be.below(1_000);
      scope.done();
    });

    it("answers VendorTimeout, quickly, when the caller's signal aborts", async () => {
      const scope = createEndpoint(fieldsFor('2026-12-31T23:30:00Z')).delay(3_000).reply(201, createdBody(), JSON_HEADERS);

      const started = performance.now();
      const error = await failure(
        zoom().createMeeting(aCall(AbortSignal.timeout(100)), { meetingId: aMeetingId(), details: details('2026-12-31 23:30') }),
      );

      expect(error._tag).to.equal('VendorTimeout');
      expect(performance.now() - started).to.be.below(1_000);
      scope.done();
    });

    it('answers VendorTimeout without calling Zoom when the signal is already aborted', async () => {
      const controller = new AbortController();
      controller.abort();

      const error = await failure(
        zoom().createMeeting(aCall(controller.signal), { meetingId: aMeetingId(), details: details('2026-12-31 23:30') }),
      );

      expect(error._tag).to.equal('VendorTimeout');
    });

    it('answers VendorRejected for an XML error body, saying it was not JSON', async () => {
      const scope = createEndpoint(fieldsFor('2026-12-31T23:30:00Z')).reply(
        400,
        '<?xml version="1.0" encoding="UTF-8"?><error><code>300</code><message>Invalid password</message></error>',
        { 'content-type': 'application/xml' },
      );

      const error = await failure(
        zoom().createMeeting(aCall(), { meetingId: aMeetingId(), details: details('2026-12-31 23:30') }),
      );

      expect(error._tag).to.equal('VendorRejected');
      expect(error.message).to.include('400').and.include('not JSON');
      scope.done();
    });

    it('answers VendorRejected with what Zoom said for another refusal', async () => {
      const scope = createEndpoint(fieldsFor('2026-12-31T23:30:00Z')).reply(
        400,
        JSON.stringify({ code: 300, message: 'Validation Failed.', errors: [{ field: 'start_time', message: 'Invalid' }] }),
        JSON_HEADERS,
      );

      const error = await failure(
        zoom().createMeeting(aCall(), { meetingId: aMeetingId(), details: details('2026-12-31 23:30') }),
      );

      expect(error).to.deep.equal({
        _tag: 'VendorRejected',
        message: 'Zoom POST /users/me/meetings answered 400 (code 300): Validation Failed.',
      });
      scope.done();
    });

    it('never lets the token into a message, even when Zoom echoes it', async () => {
      const scope = createEndpoint(fieldsFor('2026-12-31T23:30:00Z')).reply(
        400,
        zoomError(300, `Bad token ${ACCESS}`),
        JSON_HEADERS,
      );

      const error = await failure(
        zoom().createMeeting(aCall(), { meetingId: aMeetingId(), details: details('2026-12-31 23:30') }),
      );

      expect(error.message).to.include('[redacted]');
      scope.done();
    });

    it('answers VendorAuthorizationRevoked without calling Zoom when the link has no access token', async () => {
      const error = await failure(
        zoom().createMeeting(tokenlessCall(), { meetingId: aMeetingId(), details: details('2026-12-31 23:30') }),
      );

      expect(error._tag).to.equal('VendorAuthorizationRevoked');
    });
  });

  describe('updateMeeting', () => {
    const patch = () =>
      api().patch(`/v2/meetings/${BIG_ID}`, fieldsFor('2027-01-01T00:15:00Z', 45)).matchHeader('content-type', 'application/json');

    it('patches the meeting with the same fields as create and accepts the 204', async () => {
      const scope = patch().reply(204);

      expectRight(await zoom().updateMeeting(aCall(), ref, details('2027-01-01 00:15', 45))());
      scope.done();
    });

    for (const [what, status, body] of [
      ['a 404', 404, zoomError(3001, 'Meeting does not exist: 98765432109876543.')],
      ['a 404 without a body', 404, ''],
      ['code 3001', 400, zoomError(3001, 'Meeting 98765432109876543 is not found or has expired.')],
    ] as const) {
      it(`answers VendorMeetingGone for ${what}`, async () => {
        const scope = patch().reply(status, body, JSON_HEADERS);

        const error = await failure(zoom().updateMeeting(aCall(), ref, details('2027-01-01 00:15', 45)));

        expect(error._tag).to.equal('VendorMeetingGone');
        scope.done();
      });
    }

    it('answers VendorTokenRejected for code 124', async () => {
      const scope = patch().reply(401, zoomError(124, 'Access token is expired.'), JSON_HEADERS);

      const error = await failure(zoom().updateMeeting(aCall(), ref, details('2027-01-01 00:15', 45)));

      expect(error._tag).to.equal('VendorTokenRejected');
      scope.done();
    });

    it('answers VendorUnavailable for a 503', async () => {
      const scope = patch().reply(503, '<html>Service Unavailable</html>', { 'content-type': 'text/html' });

      const error = await failure(zoom().updateMeeting(aCall(), ref, details('2027-01-01 00:15', 45)));

      expect(error._tag).to.equal('VendorUnavailable');
      expect(error.message).to.include('503').and.include('HTML');
      scope.done();
    });
  });

  describe('deleteMeeting', () => {
    const del = () => api().delete(`/v2/meetings/${BIG_ID}`);

    it('deletes the meeting and accepts the 204', async () => {
      const scope = del().reply(204);

      expectRight(await zoom().deleteMeeting(aCall(), ref)());
      scope.done();
    });

    for (const [what, status, body] of [
      ['a 404', 404, zoomError(3001, 'Meeting does not exist: 98765432109876543.')],
      ['code 3001', 400, zoomError(3001, 'Meeting 98765432109876543 is not found or has expired.')],
    ] as const) {
      it(`succeeds when Zoom no longer has the meeting (${what})`, async () => {
        const scope = del().reply(status, body, JSON_HEADERS);

        expectRight(await zoom().deleteMeeting(aCall(), ref)());
        scope.done();
      });
    }

    it('answers VendorTokenRejected for code 124', async () => {
      const scope = del().reply(401, zoomError(124, 'Invalid access token.'), JSON_HEADERS);

      expect((await failure(zoom().deleteMeeting(aCall(), ref)))._tag).to.equal('VendorTokenRejected');
      scope.done();
    });

    it('answers VendorRejected for a meeting Zoom will not delete (in progress)', async () => {
      const scope = del().reply(400, zoomError(3002, 'Sorry, you cannot delete this meeting since it is in progress.'), JSON_HEADERS);

      const error = await failure(zoom().deleteMeeting(aCall(), ref));

      expect(error._tag).to.equal('VendorRejected');
      expect(error.message).to.include('3002');
      scope.done();
    });

    it('answers VendorUnavailable for a 500', async () => {
      const scope = del().reply(500, zoomError(500, 'Internal Error'), JSON_HEADERS);

      expect((await failure(zoom().deleteMeeting(aCall(), ref)))._tag).to.equal('VendorUnavailable');
      scope.done();
    });
  });

  describe('findCreated', () => {
    /** When the interrupted create started. */
    const SINCE = new Date('2026-06-15T18:29:40.500Z');
    const OTHER_ID = '98765432109876544';
    const input = (d: MeetingDetails = details('2026-12-31 23:30', 60)) => ({ meetingId: aMeetingId(), details: d });

    interface Listed {
      readonly id: string;
      readonly topic?: string | undefined;
      readonly start_time?: string | undefined;
      readonly duration?: number | undefined;
      readonly created_at?: string | undefined;
      readonly type?: number | undefined;
    }
    /** One listed meeting as Zoom writes it: the id a bare int64, fields only when given. */
    const listed = (m: Listed): string =>
      `{"uuid":"u${m.id}==","id":${m.id},"host_id":"KdYKjnimT4KPd8FFgQt9FQ","type":${m.type ?? 2}` +
      (m.topic === undefined ? '' : `,"topic":${JSON.stringify(m.topic)}`) +
      (m.start_time === undefined ? '' : `,"start_time":"${m.start_time}"`) +
      (m.duration === undefined ? '' : `,"duration":${m.duration}`) +
      ',"timezone":"Europe/Berlin"' +
      (m.created_at === undefined ? '' : `,"created_at":"${m.created_at}"`) +
      `,"join_url":"https://us02web.zoom.us/j/${m.id}"}`;
    const page = (meetings: readonly Listed[], nextPageToken = ''): string =>
      `{"page_size":300,"total_records":${meetings.length},"next_page_token":"${nextPageToken}","meetings":[${meetings.map(listed).join(',')}]}`;
    /** What the create for `input()` sent, as Zoom then lists it. */
    const ours = (id: string, overrides: Partial<Listed> = {}): Listed => ({
      id,
      topic: 'Quarterly review',
      start_time: '2026-12-31T23:30:00Z',
      duration: 60,
      created_at: '2026-06-15T18:29:41Z',
      ...overrides,
    });
    const list = (query: Record<string, string> = {}) =>
      api().get('/v2/users/me/meetings').query({ type: 'scheduled', page_size: '300', ...query });

    it('reads every page (next_page_token) and answers the meetings made for the input, ids exact', async () => {
      const scope = list()
        .reply(200, page([ours(BIG_ID), { ...ours('123456789'), topic: 'Weekly sync' }], 'token-2'), JSON_HEADERS)
        .get('/v2/users/me/meetings')
        .query({ type: 'scheduled', page_size: '300', next_page_token: 'token-2' })
        .reply(200, page([ours(OTHER_ID, { created_at: '2026-06-15T18:29:45Z' })]), JSON_HEADERS);

      const found = expectRight(await zoom().findCreated(aCall(), input(), SINCE)());

      expect(found).to.deep.equal([BIG_ID, OTHER_ID]);
      scope.done();
    });

    it('answers nothing when no meeting matches, and ends on an absent page token too', async () => {
      const scope = list().reply(200, `{"page_size":300,"total_records":1,"meetings":[${listed({ ...ours('123456789'), topic: 'Weekly sync' })}]}`, JSON_HEADERS);

      expect(expectRight(await zoom().findCreated(aCall(), input(), SINCE)())).to.deep.equal([]);
      scope.done();
    });

    it('matches the topic as sent (cut to 200 code points), the start as an instant, the duration, and a creation since `since`', async () => {
      const long = '😀'.repeat(250);
      const cut = '😀'.repeat(200);
      const candidates: readonly (readonly [string, boolean, Partial<Listed>])[] = [
        ['exactly as sent', true, {}],
        ['its start written with an offset', true, { start_time: '2027-01-01T00:30:00+01:00' }],
        ['created a minute before since (clocks differ)', true, { created_at: '2026-06-15T18:28:41Z' }],
        ['created long after since', true, { created_at: '2026-06-15T19:10:00Z' }],
        ['created three minutes before since', false, { created_at: '2026-06-15T18:26:40Z' }],
        ['the topic uncut', false, { topic: long }],
        ['the topic cut one code point shorter', false, { topic: '😀'.repeat(199) }],
        ['another duration', false, { duration: 61 }],
        ['a start a minute later', false, { start_time: '2026-12-31T23:31:00Z' }],
        ['no start (recurring, no fixed time)', false, { start_time: undefined, duration: undefined, type: 3 }],
        ['no creation date', false, { created_at: undefined }],
      ];
      const meetings = candidates.map(([, , overrides], index) => ours(String(1_000_000_000_000 + index), { topic: cut, ...overrides }));
      const scope = list().reply(200, page(meetings), JSON_HEADERS);

      const found = expectRight(await zoom().findCreated(aCall(), input(details('2026-12-31 23:30', 60, long)), SINCE)());

      const expected = candidates.flatMap(([, match], index) => (match ? [String(1_000_000_000_000 + index)] : []));
      const named = (ids: readonly string[]) => ids.map((id) => candidates[Number(id) - 1_000_000_000_000]?.[0]);
      expect(named(found)).to.deep.equal(named(expected));
      scope.done();
    });

    for (const [what, body, field] of [
      ['without meetings', '{"page_size":300,"total_records":0,"next_page_token":""}', 'meetings'],
      ['with meetings that is not a list', '{"meetings":{"id":1}}', 'meetings'],
      ['with a meeting without an id', `{"meetings":[${listed(ours(BIG_ID))},{"topic":"x"}]}`, 'meetings.1.id'],
      ['with a created_at that is no date', `{"meetings":[${listed(ours(BIG_ID, { created_at: 'yesterday' }))}]}`, 'meetings.0.created_at'],
      ['with a duration that is text', `{"meetings":[${listed(ours(BIG_ID)).replace('"duration":60', '"duration":"60"')}]}`, 'meetings.0.duration'],
      ['with a page token that is not text', '{"meetings":[],"next_page_token":42}', 'next_page_token'],
    ] as const) {
      it(`answers VendorUnavailable naming the field for a list ${what}`, async () => {
        const scope = list().reply(200, body, JSON_HEADERS);

        const error = await failure(zoom().findCreated(aCall(), input(), SINCE));

        expect(error._tag).to.equal('VendorUnavailable');
        expect(error.message).to.include('GET /users/me/meetings (page 1)').and.include(`missing or invalid: ${field}`);
        scope.done();
      });
    }

    it('answers VendorUnavailable for a list that is not JSON', async () => {
      const scope = list().reply(200, '<html>Meetings</html>', { 'content-type': 'text/html' });

      const error = await failure(zoom().findCreated(aCall(), input(), SINCE));

      expect(error).to.deep.equal({ _tag: 'VendorUnavailable', message: 'Zoom GET /users/me/meetings (page 1) answered 200 with a body that is not JSON' });
      scope.done();
    });

    it('fails the whole search, not answering the first page alone, when a later page fails', async () => {
      const scope = list()
        .reply(200, page([ours(BIG_ID)], 'token-2'), JSON_HEADERS)
        .get('/v2/users/me/meetings')
        .query({ type: 'scheduled', page_size: '300', next_page_token: 'token-2' })
        .reply(500, zoomError(500, 'Internal Error'), JSON_HEADERS);

      expect((await failure(zoom().findCreated(aCall(), input(), SINCE)))._tag).to.equal('VendorUnavailable');
      scope.done();
    });

    it(`stops with VendorUnavailable after ${LIST_MAX_PAGES} pages rather than answer what it saw`, async () => {
      const scope = api()
        .get('/v2/users/me/meetings')
        .query(true)
        .times(LIST_MAX_PAGES)
        .reply(200, page([ours(BIG_ID)], 'more'), JSON_HEADERS);

      const error = await failure(zoom().findCreated(aCall(), input(), SINCE));

      expect(error._tag).to.equal('VendorUnavailable');
      expect(error.message).to.include(`more than ${LIST_MAX_PAGES} pages`);
      scope.done();
    });

    it('retries a per-second 429 on a page, as every Zoom call does', async () => {
      const scope = list()
        .reply(429, zoomError(429, 'You have reached the maximum per-second rate limit for this API. Try again later.'), {
          ...JSON_HEADERS,
          'X-RateLimit-Type': 'QPS',
        })
        .get('/v2/users/me/meetings')
        .query({ type: 'scheduled', page_size: '300' })
        .reply(200, page([ours(BIG_ID)]), JSON_HEADERS);

      expect(expectRight(await zoom().findCreated(aCall(), input(), SINCE)())).to.deep.equal([BIG_ID]);
      scope.done();
    });

    it('answers VendorRejected naming meeting:read:list_meetings when the grant lacks it (code 4700)', async () => {
      const scope = list().reply(400, zoomError(4700, 'Invalid access token, does not contain scopes:[meeting:read:list_meetings].'), JSON_HEADERS);

      const error = await failure(zoom().findCreated(aCall(), input(), SINCE));

      expect(error._tag).to.equal('VendorRejected');
      expect(error.message).to.include('this call needs meeting:read:list_meetings');
      scope.done();
    });

    it('answers VendorTokenRejected for code 124', async () => {
      const scope = list().reply(401, zoomError(124, 'Invalid access token.'), JSON_HEADERS);

      expect((await failure(zoom().findCreated(aCall(), input(), SINCE)))._tag).to.equal('VendorTokenRejected');
      scope.done();
    });

    it("answers VendorTimeout, quickly, when the caller's signal aborts during a later page", async () => {
      const scope = list()
        .reply(200, page([ours(BIG_ID)], 'token-2'), JSON_HEADERS)
        .get('/v2/users/me/meetings')
        .query(true)
        .delay(3_000)
        .reply(200, page([]), JSON_HEADERS);

      const started = performance.now();
      const error = await failure(zoom().findCreated(aCall(AbortSignal.timeout(150)), input(), SINCE));

      expect(error._tag).to.equal('VendorTimeout');
      expect(performance.now() - started).to.be.below(1_000);
      scope.done();
    });

    it('answers VendorTimeout without calling Zoom when the signal is already aborted', async () => {
      const controller = new AbortController();
      controller.abort();

      expect((await failure(zoom().findCreated(aCall(controller.signal), input(), SINCE)))._tag).to.equal('VendorTimeout');
    });

    it('answers VendorAuthorizationRevoked without calling Zoom when the link has no access token', async () => {
      expect((await failure(zoom().findCreated(tokenlessCall(), input(), SINCE)))._tag).to.equal('VendorAuthorizationRevoked');
    });
  });

  describe('connection (user-level OAuth)', () => {
    const signal = () => new AbortController().signal;
    const oauth = () => {
      const connection = zoom().connection;
      expect(connection.kind).to.equal('oauth');
      return connection;
    };

    it('builds the authorize URL', () => {
      expect(oauth().authorizeUrl('state+/=1', REDIRECT_URI)).to.equal(
        `${OAUTH}/oauth/authorize?response_type=code&client_id=${CLIENT_ID}` +
          `&redirect_uri=https%3A%2F%2Fapp.example.test%2Foauth%2Fvendor%2Fcallback&state=state%2B%2F%3D1`,
      );
    });

    it('exchanges the code (Basic auth, form body), then reads the Zoom user id', async () => {
      const scope = tokenEndpoint(
        `grant_type=authorization_code&code=${CODE}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`,
      ).reply(200, { access_token: ACCESS, token_type: 'bearer', refresh_token: REFRESH, expires_in: 3599, scope: 'meeting:write:meeting' });
      const me = api().get('/v2/users/me').reply(200, { id: 'KdYKjnimT4KPd8FFgQt9FQ', email: 'alice@example.com' });

      const tokens = expectRight(await oauth().exchangeCode(CODE, REDIRECT_URI, signal())());

      expect(tokens).to.deep.equal({
        accessToken: ACCESS,
        refreshToken: REFRESH,
        expiresInSeconds: 3599,
        vendorUserId: 'KdYKjnimT4KPd8FFgQt9FQ',
      });
      scope.done();
      me.done();
    });

    it('answers VendorRejected for a code Zoom refuses', async () => {
      const scope = tokenEndpoint(
        `grant_type=authorization_code&code=${CODE}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`,
      ).reply(400, { reason: 'Invalid authorization code', error: 'invalid_grant' });

      const error = await failure(oauth().exchangeCode(CODE, REDIRECT_URI, signal()));

      expect(error._tag).to.equal('VendorRejected');
      expect(error.message).to.include('invalid_grant');
      scope.done();
    });

    it('fails the exchange when the Zoom user cannot be read', async () => {
      const scope = tokenEndpoint(
        `grant_type=authorization_code&code=${CODE}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`,
      ).reply(200, { access_token: ACCESS, refresh_token: REFRESH, expires_in: 3599 });
      const me = api().get('/v2/users/me').reply(500, zoomError(500, 'Internal Error'), JSON_HEADERS);

      expect((await failure(oauth().exchangeCode(CODE, REDIRECT_URI, signal())))._tag).to.equal('VendorUnavailable');
      scope.done();
      me.done();
    });

    it('refreshes, answering the NEW refresh token (Zoom rotates them)', async () => {
      const scope = tokenEndpoint(`grant_type=refresh_token&refresh_token=${REFRESH}`).reply(200, {
        access_token: NEW_ACCESS,
        token_type: 'bearer',
        refresh_token: NEW_REFRESH,
        expires_in: 3599,
        scope: 'meeting:write:meeting',
      });

      const tokens = expectRight(await oauth().refresh(REFRESH, signal())());

      expect(tokens).to.deep.equal({ accessToken: NEW_ACCESS, refreshToken: NEW_REFRESH, expiresInSeconds: 3599 });
      scope.done();
    });

    for (const [what, status, body] of [
      ['invalid_grant', 400, { reason: 'Invalid Token!', error: 'invalid_grant' }],
      ['an old, rotated refresh token', 401, { reason: 'Invalid Token!', error: 'invalid_request' }],
    ] as const) {
      it(`answers VendorAuthorizationRevoked for a refused refresh token (${what})`, async () => {
        const scope = tokenEndpoint(`grant_type=refresh_token&refresh_token=${REFRESH}`).reply(status, body);

        const error = await failure(oauth().refresh(REFRESH, signal()));

        expect(error._tag).to.equal('VendorAuthorizationRevoked');
        scope.done();
      });
    }

    it('answers VendorRejected naming the settings when Zoom refuses our client credentials', async () => {
      const scope = tokenEndpoint(`grant_type=refresh_token&refresh_token=${REFRESH}`).reply(401, {
        reason: 'Invalid client_id or client_secret',
        error: 'invalid_client',
      });

      const error = await failure(oauth().refresh(REFRESH, signal()));

      expect(error._tag).to.equal('VendorRejected');
      expect(error.message).to.include('ZOOM_CLIENT_SECRET');
      scope.done();
    });

    it('answers VendorUnavailable for a token answer that does not decode', async () => {
      const scope = tokenEndpoint(`grant_type=refresh_token&refresh_token=${REFRESH}`).reply(200, { token_type: 'bearer' });

      const error = await failure(oauth().refresh(REFRESH, signal()));

      expect(error._tag).to.equal('VendorUnavailable');
      expect(error.message).to.include('access_token');
      scope.done();
    });

    it('revokes with the access token (Basic auth, form body)', async () => {
      const scope = nock(OAUTH)
        .matchHeader('authorization', BASIC)
        .matchHeader('content-type', FORM)
        .post('/oauth/revoke', `token=${ACCESS}`)
        .reply(200, { status: 'success' });

      expectRight(await oauth().revoke({ accessToken: ACCESS, refreshToken: REFRESH }, signal())());
      scope.done();
    });

    it('answers VendorTokenRejected when Zoom refuses to revoke an expired access token', async () => {
      const scope = nock(OAUTH)
        .post('/oauth/revoke', `token=${ACCESS}`)
        .reply(400, { reason: 'Invalid Token!', error: 'invalid_request' });

      const error = await failure(oauth().revoke({ accessToken: ACCESS, refreshToken: REFRESH }, signal()));

      expect(error._tag).to.equal('VendorTokenRejected');
      scope.done();
    });
  });
});
