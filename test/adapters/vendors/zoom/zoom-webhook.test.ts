import { createHmac } from 'node:crypto';

import Router from '@koa/router';
import { expect } from 'chai';
import * as TE from 'fp-ts/lib/TaskEither.js';
import nock from 'nock';
import { pino } from 'pino';
import request from 'supertest';

import { JoseTokenCipher } from '../../../../src/adapters/crypto/jose-token-cipher.js';
import type { Keyring } from '../../../../src/adapters/crypto/keyring.js';
import { createHttpApp } from '../../../../src/adapters/http/app.js';
import { mountedRoutes, openApiDocument } from '../../../../src/adapters/http/openapi/openapi-document.js';
import { MemoryLinkRepository } from '../../../../src/adapters/persistence/memory/memory-link-repository.js';
import { FetchPipedriveApi } from '../../../../src/adapters/pipedrive/fetch-pipedrive-api.js';
import { CryptoIdGenerator } from '../../../../src/adapters/system/crypto-id-generator.js';
import { ZoomWebhookRoute } from '../../../../src/adapters/vendors/zoom/zoom-webhook.js';
import { DeauthorizeVendorUser } from '../../../../src/application/install/deauthorize-vendor-user.js';
import { DisconnectLink } from '../../../../src/application/install/disconnect-link.js';
import { PipedriveCredentials } from '../../../../src/application/install/pipedrive-credentials.js';
import type { Clock } from '../../../../src/application/ports/clock.js';
import type { LinkRepository } from '../../../../src/application/ports/link-repository.js';
import type { Logger } from '../../../../src/application/ports/logger.js';
import type { VideoVendor } from '../../../../src/application/ports/video-vendor.js';
import { storeUnavailable } from '../../../../src/domain/errors.js';
import type { Link } from '../../../../src/domain/link.js';
import { expectRight, expectSome } from '../../../support/either.js';
import { aLink, aPipedriveId, aVendorId } from '../../../support/fixtures.js';
import { checkedCallback, checkerFor, reportViolation } from '../../../support/openapi-check.js';

const SECRET = 'zoom-webhook-secret-token-0123456789';
const NOW = new Date('2026-03-05T10:00:00.000Z');
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);
const PATH = '/webhooks/zoom';
const LIMIT = 64 * 1024;

const ACME = 'https://acme.pipedrive.test';
const BETA = 'https://beta.pipedrive.test';
const ZOOM = aVendorId('zoom');

const ALICE = 'zoom-user-alice-KdYKjnimT4KP';
const BOB = 'zoom-user-bob-8FFgQt9FQxyz';

/** Zoom's signature, computed here on its own so that the route's computation is checked, not copied. */
const zoomSignature = (timestamp: string, body: string, secret = SECRET): string =>
  `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;

const signedHeaders = (body: string, timestampSeconds = NOW_SECONDS): Record<string, string> => {
  const timestamp = String(timestampSeconds);
  return { 'x-zm-request-timestamp': timestamp, 'x-zm-signature': zoomSignature(timestamp, body) };
};

const deauthorization = (userId: string): string =>
  JSON.stringify({
    event: 'app_deauthorized',
    event_ts: NOW.getTime(),
    payload: {
      account_id: 'EPeQtiABC000VYxHMA',
      user_id: userId,
      signature: 'legacy-signature-field',
      deauthorization_time: NOW.toISOString(),
      client_id: 'zoom-client-id',
      user_data_retention: 'false',
    },
  });

/** A vendor good enough to be named in a disconnect reason; no meeting is made here. */
const zoomVendor: VideoVendor = {
  id: ZOOM,
  displayName: 'Zoom',
  connection: { kind: 'none' },
  createMeeting: () => TE.left({ _tag: 'VendorRejected', message: 'not in this test' }),
  updateMeeting: () => TE.left({ _tag: 'VendorRejected', message: 'not in this test' }),
  deleteMeeting: () => TE.left({ _tag: 'VendorRejected', message: 'not in this test' }),
  findCreated: () => TE.left({ _tag: 'VendorRejected', message: 'not in this test' }),
};

interface LogLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

function recordingLogger(lines: LogLine[]): Logger {
  return {
    info: (fields, message) => lines.push({ level: 'info', fields, message }),
    warn: (fields, message) => lines.push({ level: 'warn', fields, message }),
    error: (fields, message) => lines.push({ level: 'error', fields, message }),
  };
}

describe('ZoomWebhookRoute: POST /webhooks/zoom', () => {
  const keyring: Keyring = { current: new Uint8Array(32).fill(0x5a), previous: [] };
  const cipher = new JoseTokenCipher(keyring);
  const clock: Clock = { now: () => NOW };

  let links: LinkRepository;
  let callback: ReturnType<ReturnType<typeof createHttpApp>['callback']>;
  let routeLog: LogLine[];
  let deauthorizeCalls: string[];

  const seal = async (plaintext: string) => expectRight(await cipher.seal(plaintext)());

  /** An active Zoom link whose Pipedrive grant is sealed with the test cipher and fresh for an hour. */
  async function storedLink(apiDomain: string, pipedriveAccess: string, zoomUserId: string): Promise<Link> {
    const link = aLink({
      vendor: ZOOM,
      status: 'active',
      companyId: aPipedriveId(apiDomain === ACME ? 7 : 8),
      pipedrive: {
        apiDomain,
        accessToken: await seal(pipedriveAccess),
        refreshToken: await seal(`${pipedriveAccess}-refresh`),
        expiresAt: new Date(NOW.getTime() + 60 * 60_000),
      },
      vendorGrant: {
        accessToken: await seal(`zoom-access-of-${zoomUserId}`),
        refreshToken: await seal(`zoom-refresh-of-${zoomUserId}`),
        expiresAt: new Date(NOW.getTime() + 60 * 60_000),
        vendorUserId: zoomUserId,
      },
    });
    expectRight(await links.insert(link)());
    return link;
  }

  const stored = async (link: Link): Promise<Link> => expectSome(expectRight(await links.findById(link.linkId)()));

  const post = (body: string, headers: Record<string, string>) =>
    request(callback).post(PATH).set('Content-Type', 'application/json').set(headers).send(body);

  const expectInvalidSignature = (response: request.Response): void => {
    expect(response.status).to.equal(401);
    expect(response.headers['content-type']).to.match(/^application\/json/);
    expect(response.body).to.have.keys('success', 'error');
    expect(response.body.success).to.equal(false);
    expect(response.body.error.code).to.equal('INVALID_SIGNATURE');
    expect(response.body.error.message).to.be.a('string').and.match(/x-zm-/);
  };

  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  after(() => nock.enableNetConnect());
  afterEach(() => nock.cleanAll());

  beforeEach(() => {
    routeLog = [];
    deauthorizeCalls = [];
    const applicationLog: LogLine[] = [];
    const memory = new MemoryLinkRepository();
    links = memory;
    const pipedrive = new FetchPipedriveApi({
      oauthUrl: 'https://oauth.pipedrive.test',
      clientId: 'pipedrive-client-id',
      clientSecret: 'pipedrive-client-secret',
      timeoutMs: 2_000,
      allowInsecureApiDomain: false,
    });
    const appLogger = recordingLogger(applicationLog);
    const credentials = new PipedriveCredentials(memory, pipedrive, cipher, new CryptoIdGenerator(), clock, appLogger);
    const disconnect = new DisconnectLink(memory, pipedrive, credentials, clock, appLogger);
    const deauthorize = new DeauthorizeVendorUser(memory, zoomVendor, disconnect);
    // Records that the use case ran at all, so a refused request can be shown to have reached nothing.
    const spied = new Proxy(deauthorize, {
      get(target, property, receiver) {
        if (property === 'execute') {
          return (vendorUserId: string) => {
            deauthorizeCalls.push(vendorUserId);
            return target.execute(vendorUserId);
          };
        }
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
    const router = new Router();
    new ZoomWebhookRoute(SECRET, spied, clock, recordingLogger(routeLog)).register(router);
    // Every answer is also checked against the OpenAPI description of the route (as in a whole deployment).
    const described = openApiDocument({ publicBaseUrl: 'https://video.test', vendorName: 'Zoom', metricsSecured: false, routes: mountedRoutes([router]) });
    callback = checkedCallback(
      createHttpApp({ logger: pino({ level: 'silent' }), routers: [router], trustProxy: false }).callback(),
      checkerFor(described),
      reportViolation,
    );
  });

  describe('endpoint.url_validation', () => {
    it('answers the plain token and its HMAC-SHA256 under the secret token, in hex', async () => {
      const plainToken = 'qgg8vlvZRS6UYooatFL8Aw';
      const body = JSON.stringify({
        payload: { plainToken },
        event_ts: NOW.getTime(),
        event: 'endpoint.url_validation',
      });

      const response = await post(body, signedHeaders(body));

      expect(response.status).to.equal(200);
      expect(response.headers['content-type']).to.match(/^application\/json/);
      const encryptedToken = createHmac('sha256', SECRET).update(plainToken).digest('hex');
      expect(response.body).to.deep.equal({ plainToken, encryptedToken });
      expect(routeLog).to.deep.equal([
        { level: 'info', fields: { event: 'endpoint.url_validation' }, message: 'zoom webhook accepted' },
      ]);
    });

    it('answers 400 when the plain token is missing', async () => {
      const body = JSON.stringify({ payload: {}, event: 'endpoint.url_validation' });

      const response = await post(body, signedHeaders(body));

      expect(response.status).to.equal(400);
      expect(response.body.error).to.deep.include({ code: 'INVALID_BODY' });
      expect(response.body.error.message).to.contain('payload.plainToken');
    });
  });

  describe('signature and timestamp', () => {
    const plainToken = 'a-plain-token';
    const body = JSON.stringify({ event: 'endpoint.url_validation', payload: { plainToken } });

    it('accepts a timestamp up to 5 minutes old or ahead', async () => {
      for (const seconds of [NOW_SECONDS - 300, NOW_SECONDS + 300]) {
        const response = await post(body, signedHeaders(body, seconds));
        expect(response.status, String(seconds)).to.equal(200);
      }
    });

    it('accepts the signature with upper-case hex digits', async () => {
      const headers = signedHeaders(body);
      const upper = `v0=${headers['x-zm-signature']!.slice(3).toUpperCase()}`;

      const response = await post(body, { ...headers, 'x-zm-signature': upper });

      expect(response.status).to.equal(200);
    });

    const refusals: ReadonlyArray<{ readonly name: string; readonly headers: () => Record<string, string> }> = [
      {
        name: 'a signature made with another secret',
        headers: () => ({
          'x-zm-request-timestamp': String(NOW_SECONDS),
          'x-zm-signature': zoomSignature(String(NOW_SECONDS), body, `${SECRET}x`),
        }),
      },
      { name: 'no signature', headers: () => ({ 'x-zm-request-timestamp': String(NOW_SECONDS) }) },
      {
        name: 'no timestamp',
        headers: () => ({ 'x-zm-signature': zoomSignature(String(NOW_SECONDS), body) }),
      },
      { name: 'neither header', headers: () => ({}) },
      {
        name: 'a signature over a different body',
        headers: () => signedHeaders(body.replace(plainToken, 'another-token')),
      },
      {
        name: 'a signature over another timestamp',
        headers: () => ({
          'x-zm-request-timestamp': String(NOW_SECONDS),
          'x-zm-signature': zoomSignature(String(NOW_SECONDS - 1), body),
        }),
      },
      { name: 'a correctly signed timestamp 6 minutes old', headers: () => signedHeaders(body, NOW_SECONDS - 360) },
      { name: 'a correctly signed timestamp 6 minutes ahead', headers: () => signedHeaders(body, NOW_SECONDS + 360) },
      {
        name: 'a timestamp in milliseconds',
        headers: () => {
          const timestamp = String(NOW.getTime());
          return { 'x-zm-request-timestamp': timestamp, 'x-zm-signature': zoomSignature(timestamp, body) };
        },
      },
      {
        name: 'a timestamp that is not a number',
        headers: () => ({ 'x-zm-request-timestamp': 'yesterday', 'x-zm-signature': zoomSignature('yesterday', body) }),
      },
      {
        name: 'a signature without the v0= prefix',
        headers: () => {
          const headers = signedHeaders(body);
          return { ...headers, 'x-zm-signature': headers['x-zm-signature']!.slice(3) };
        },
      },
      {
        name: 'a truncated signature (another length)',
        headers: () => {
          const headers = signedHeaders(body);
          return { ...headers, 'x-zm-signature': headers['x-zm-signature']!.slice(0, -2) };
        },
      },
      {
        name: 'a signature that is not hex',
        headers: () => ({ ...signedHeaders(body), 'x-zm-signature': `v0=${'z'.repeat(64)}` }),
      },
    ];

    for (const { name, headers } of refusals) {
      it(`answers 401 INVALID_SIGNATURE to ${name}, and answers nothing else`, async () => {
        const response = await post(body, headers());

        expectInvalidSignature(response);
        expect(JSON.stringify(response.body)).not.to.contain('encryptedToken');
        expect(routeLog).to.deep.equal([]);
      });
    }

    it('answers 401 to a wrongly signed deauthorization and disconnects nothing', async () => {
      const alice = await storedLink(ACME, 'v1u:alice-acme', ALICE);
      const deauthorize = deauthorization(ALICE);
      const cases: Array<Record<string, string>> = [
        {
          'x-zm-request-timestamp': String(NOW_SECONDS),
          'x-zm-signature': zoomSignature(String(NOW_SECONDS), deauthorize, 'wrong'),
        },
        {},
        signedHeaders(deauthorization(BOB)),
        signedHeaders(deauthorize, NOW_SECONDS - 360),
        signedHeaders(deauthorize, NOW_SECONDS + 360),
      ];

      for (const headers of cases) expectInvalidSignature(await post(deauthorize, headers));

      expect(deauthorizeCalls).to.deep.equal([]);
      expect(await stored(alice)).to.deep.equal(alice);
      expect(routeLog).to.deep.equal([]);
    });

    it('checks the signature before reading the JSON: malformed JSON badly signed is 401, not 400', async () => {
      const malformed = '{"event": "app_deauthorized", ';

      const response = await post(malformed, signedHeaders('{}'));

      expectInvalidSignature(response);
    });
  });

  describe('app_deauthorized', () => {
    it("disconnects every link of that Zoom user, removing each from Pipedrive; other users' links stay", async () => {
      const aliceAtAcme = await storedLink(ACME, 'v1u:alice-acme', ALICE);
      const aliceAtBeta = await storedLink(BETA, 'v1u:alice-beta', ALICE);
      const bob = await storedLink(ACME, 'v1u:bob-acme', BOB);
      const scopes = [
        nock(ACME, { reqheaders: { authorization: 'Bearer v1u:alice-acme' } })
          .delete(`/api/v1/meetings/userProviderLinks/${aliceAtAcme.linkId}`)
          .reply(200, { success: true, data: {} }),
        nock(BETA, { reqheaders: { authorization: 'Bearer v1u:alice-beta' } })
          .delete(`/api/v1/meetings/userProviderLinks/${aliceAtBeta.linkId}`)
          .reply(200, { success: true, data: {} }),
      ];
      const body = deauthorization(ALICE);

      const response = await post(body, signedHeaders(body));

      expect(response.status).to.equal(200);
      expect(response.body).to.deep.equal({ success: true, data: { disconnected: 2 } });
      for (const scope of scopes) scope.done();
      expect(deauthorizeCalls).to.deep.equal([ALICE]);
      for (const link of [aliceAtAcme, aliceAtBeta]) {
        const after = await stored(link);
        expect(after.status).to.equal('needs_reauth');
        expect(after).not.to.have.any.keys('pipedrive', 'vendorGrant', 'leases');
        expect(after.updatedAt).to.deep.equal(NOW);
      }
      expect(await stored(bob)).to.deep.equal(bob);
      expect(routeLog).to.deep.equal([
        { level: 'info', fields: { event: 'app_deauthorized', disconnected: 2 }, message: 'zoom webhook accepted' },
      ]);
      const logged = JSON.stringify(routeLog);
      expect(logged).not.to.contain(ALICE).and.not.to.contain('v0=');
    });

    it('answers disconnected 0 to the same notification again, without calling Pipedrive', async () => {
      const alice = await storedLink(ACME, 'v1u:alice-acme', ALICE);
      const scope = nock(ACME)
        .delete(`/api/v1/meetings/userProviderLinks/${alice.linkId}`)
        .reply(200, { success: true, data: {} });
      const body = deauthorization(ALICE);
      const headers = signedHeaders(body);

      const first = await post(body, headers);
      const second = await post(body, headers);

      scope.done();
      expect(first.body).to.deep.equal({ success: true, data: { disconnected: 1 } });
      expect(second.status).to.equal(200);
      expect(second.body).to.deep.equal({ success: true, data: { disconnected: 0 } });
      expect(nock.pendingMocks()).to.deep.equal([]);
    });

    it('answers disconnected 0 for a Zoom user with no link', async () => {
      const bob = await storedLink(ACME, 'v1u:bob-acme', BOB);
      const body = deauthorization('zoom-user-nobody');

      const response = await post(body, signedHeaders(body));

      expect(response.status).to.equal(200);
      expect(response.body).to.deep.equal({ success: true, data: { disconnected: 0 } });
      expect(await stored(bob)).to.deep.equal(bob);
    });

    it('still disconnects the link when Pipedrive fails to remove its userProviderLink', async () => {
      const alice = await storedLink(ACME, 'v1u:alice-acme', ALICE);
      const scope = nock(ACME)
        .delete(`/api/v1/meetings/userProviderLinks/${alice.linkId}`)
        .reply(500, { success: false, error: 'internal' });
      const body = deauthorization(ALICE);

      const response = await post(body, signedHeaders(body));

      scope.done();
      expect(response.body).to.deep.equal({ success: true, data: { disconnected: 1 } });
      expect((await stored(alice)).status).to.equal('needs_reauth');
    });

    it('answers 503 when the store is unavailable, so that Zoom retries', async () => {
      const down = storeUnavailable('links.findByVendorUserId: connection refused');
      links.findByVendorUserId = () => TE.left(down);
      const body = deauthorization(ALICE);

      const response = await post(body, signedHeaders(body));

      expect(response.status).to.equal(503);
      expect(response.headers['retry-after']).to.equal('5');
      expect(response.body).to.deep.equal({
        success: false,
        error: { code: 'STORE_UNAVAILABLE', message: 'the service cannot reach its database; retry shortly' },
      });
      expect(routeLog).to.deep.equal([]);
    });

    it('answers 400 when the user id is missing', async () => {
      const body = JSON.stringify({ event: 'app_deauthorized', payload: { account_id: 'x' } });

      const response = await post(body, signedHeaders(body));

      expect(response.status).to.equal(400);
      expect(response.body.error).to.deep.include({ code: 'INVALID_BODY' });
      expect(response.body.error.message).to.contain('payload.user_id');
      expect(deauthorizeCalls).to.deep.equal([]);
    });
  });

  describe('other events and bodies', () => {
    it('acknowledges an event it does not use with 200, so that Zoom does not retry it', async () => {
      const alice = await storedLink(ACME, 'v1u:alice-acme', ALICE);
      const body = JSON.stringify({ event: 'meeting.deleted', payload: { object: { id: 85746065432 } } });

      const response = await post(body, signedHeaders(body));

      expect(response.status).to.equal(200);
      expect(response.body).to.deep.equal({ success: true, data: { ignored: 'meeting.deleted' } });
      expect(await stored(alice)).to.deep.equal(alice);
      expect(routeLog).to.deep.equal([
        { level: 'info', fields: { event: 'meeting.deleted' }, message: 'zoom webhook accepted' },
      ]);
    });

    it('answers 400 INVALID_BODY to malformed JSON with a valid signature', async () => {
      const malformed = '{"event": "app_deauthorized", ';

      const response = await post(malformed, signedHeaders(malformed));

      expect(response.status).to.equal(400);
      expect(response.body.success).to.equal(false);
      expect(response.body.error.code).to.equal('INVALID_BODY');
      expect(response.body.error.message).to.contain('malformed JSON');
      expect(deauthorizeCalls).to.deep.equal([]);
    });

    for (const [name, body] of [
      ['a body without an event', JSON.stringify({ payload: { user_id: ALICE } })],
      ['an event that is not a string', JSON.stringify({ event: 42 })],
      ['a JSON array', '[]'],
      ['JSON null', 'null'],
      ['an empty body', ''],
    ] as const) {
      it(`answers 400 INVALID_BODY to ${name} with a valid signature`, async () => {
        const response = await post(body, signedHeaders(body));

        expect(response.status).to.equal(400);
        expect(response.body.error.code).to.equal('INVALID_BODY');
      });
    }

    it('answers 413 to a body over 64 KiB, before anything else', async () => {
      const body = JSON.stringify({ event: 'app_deauthorized', payload: { user_id: ALICE, pad: 'x'.repeat(LIMIT) } });

      const response = await post(body, signedHeaders(body));

      expect(response.status).to.equal(413);
      expect(response.body).to.deep.equal({
        success: false,
        error: { code: 'PAYLOAD_TOO_LARGE', message: `body: larger than the limit of ${LIMIT} bytes` },
      });
      expect(deauthorizeCalls).to.deep.equal([]);
    });

    it('accepts a body of exactly 64 KiB', async () => {
      const frame = JSON.stringify({ event: 'meeting.updated', pad: '' });
      const body = JSON.stringify({ event: 'meeting.updated', pad: 'x'.repeat(LIMIT - frame.length) });
      expect(Buffer.byteLength(body)).to.equal(LIMIT);

      const response = await post(body, signedHeaders(body));

      expect(response.status).to.equal(200);
      expect(response.body.data).to.deep.equal({ ignored: 'meeting.updated' });
    });

    it('verifies the signature over the bytes as sent, not over a re-serialisation', async () => {
      const body = '{ "event" : "meeting.updated",\n  "payload": { "note": "caf\u00e9 \u2615" } }';

      const response = await post(body, signedHeaders(body));

      expect(response.status).to.equal(200);
      expect(response.body.data).to.deep.equal({ ignored: 'meeting.updated' });
    });

    it('answers 405 to another method on the path', async () => {
      const response = await request(callback).get(PATH);

      expect(response.status).to.equal(405);
    });
  });

  it('refuses to be built with an empty secret token', () => {
    expect(
      () => new ZoomWebhookRoute('', {} as DeauthorizeVendorUser, clock, recordingLogger([])),
    ).to.throw(/secret/);
  });
});
