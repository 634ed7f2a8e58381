import { createHmac, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';

import { expect } from 'chai';
import { pino } from 'pino';

import { deriveKey } from '../../src/adapters/crypto/keyring.js';
import { createLogger } from '../../src/infrastructure/logger.js';
import { testMongoUri } from '../support/mongo.js';
import { freePort, run, type Started, waitFor } from '../support/processes.js';
import { FakeUpstream, form } from './fake-upstream.js';
import { findLeaks, type Secret } from './leaks.js';

/**
 * Everything the service writes while a user installs it with Zoom, creates, reschedules and
 * deletes a meeting, Zoom checks the webhook, and the user uninstalls: the real process
 * (`main.ts`, LOG_LEVEL=trace, MongoDB), its whole stdout and stderr, searched for every secret
 * that went through it. Pipedrive and Zoom are loopback fakes that check they got the secrets
 * (so the secrets really passed through), and some of their refusals echo the secrets back, as a
 * careless upstream does, to see that an error log does not pass them on.
 */

/** Random, so that no fragment of one can turn up in a log by chance. */
const random = (): string => randomBytes(24).toString('base64url');

const S = {
  pipedriveClientSecret: random(),
  pipedriveCode: random(),
  pipedriveCodeRefused: random(),
  pipedriveAccess1: random(),
  pipedriveRefresh1: random(),
  pipedriveAccess2: random(),
  pipedriveRefresh2: random(),
  zoomClientSecret: random(),
  zoomWebhookSecret: random(),
  zoomCode: random(),
  zoomAccess1: random(),
  zoomRefresh1: random(),
  zoomAccess2: random(),
  zoomRefresh2: random(),
  zoomAccess3: random(),
  zoomRefresh3: random(),
  zoomStartZak: random(),
};
const ENCRYPTION_KEY = randomBytes(32);
const PREVIOUS_KEY = randomBytes(32);
const PIPEDRIVE_CLIENT_ID = `pd-${random()}`;
const ZOOM_CLIENT_ID = `zoom-${random()}`;
const PIPEDRIVE_BASIC = Buffer.from(`${PIPEDRIVE_CLIENT_ID}:${S.pipedriveClientSecret}`).toString('base64');
const ZOOM_BASIC = Buffer.from(`${ZOOM_CLIENT_ID}:${S.zoomClientSecret}`).toString('base64');

/** Every secret the flow handles, and the keys derived from the encryption keys. */
const SECRETS: Secret[] = [
  ...Object.entries(S).map(([name, value]) => ({ name, value })),
  { name: 'Basic credentials Pipedrive sends (base64)', value: PIPEDRIVE_BASIC },
  { name: 'Basic credentials we send Zoom (base64)', value: ZOOM_BASIC },
  { name: 'ENCRYPTION_KEY', value: ENCRYPTION_KEY },
  { name: 'ENCRYPTION_KEYS_PREVIOUS', value: PREVIOUS_KEY },
  ...[ENCRYPTION_KEY, PREVIOUS_KEY].flatMap((raw, i) =>
    (['token-encryption', 'oauth-state'] as const).map((purpose) => ({ name: `derived ${purpose} key ${i}`, value: deriveKey(raw, purpose).key })),
  ),
];

const ZOOM_MEETING = '89012345678';

function pipedriveFake(): FakeUpstream {
  const fake = new FakeUpstream();
  fake.on('POST', /^\/oauth\/token$/, (r) => {
    const body = form(r.body);
    const basicOk = r.headers['authorization'] === `Basic ${PIPEDRIVE_BASIC}`;
    if (!basicOk) return { status: 401, json: { error: 'invalid_client' } };
    if (body['grant_type'] === 'authorization_code' && body['code'] === S.pipedriveCode) {
      return {
        status: 200,
        // Expiring within the refresh margin, so the registration refreshes it first.
        json: { access_token: S.pipedriveAccess1, refresh_token: S.pipedriveRefresh1, expires_in: 60, api_domain: fake.url, token_type: 'Bearer' },
      };
    }
    if (body['grant_type'] === 'refresh_token' && body['refresh_token'] === S.pipedriveRefresh1) {
      return {
        status: 200,
        json: { access_token: S.pipedriveAccess2, refresh_token: S.pipedriveRefresh2, expires_in: 3599, api_domain: fake.url, token_type: 'Bearer' },
      };
    }
    // A careless server: the refusal repeats everything it was sent.
    return {
      status: 400,
      json: { error: 'invalid_grant', error_description: `code ${body['code']} refused for ${r.headers['authorization']}`, message: r.body },
    };
  });
  fake.on('GET', /^\/api\/v1\/users\/me$/, (r) =>
    [`Bearer ${S.pipedriveAccess1}`, `Bearer ${S.pipedriveAccess2}`].includes(String(r.headers['authorization']))
      ? { status: 200, json: { success: true, data: { id: 5, company_id: 6 } } }
      : { status: 401, json: { success: false, error: `unauthorized: ${r.headers['authorization']}` } },
  );
  fake.on('POST', /^\/api\/v1\/meetings\/userProviderLinks$/, (r) =>
    [`Bearer ${S.pipedriveAccess1}`, `Bearer ${S.pipedriveAccess2}`].includes(String(r.headers['authorization']))
      ? { status: 200, json: { success: true, data: {} } }
      : { status: 401, json: { success: false, error: `unauthorized: ${r.headers['authorization']}` } },
  );
  return fake;
}

function zoomFake(): FakeUpstream {
  const fake = new FakeUpstream();
  let rejectedOnce = false;
  const bearer = (token: string) => (r: { headers: Record<string, unknown> }) => r.headers['authorization'] === `Bearer ${token}`;
  fake.on('POST', /^\/oauth\/token$/, (r) => {
    const body = form(r.body);
    if (r.headers['authorization'] !== `Basic ${ZOOM_BASIC}`) return { status: 401, json: { reason: 'Invalid client_id or client_secret', error: 'invalid_client' } };
    if (body['grant_type'] === 'authorization_code' && body['code'] === S.zoomCode) {
      // Within the refresh margin: the first meeting call refreshes it.
      return { status: 200, json: { access_token: S.zoomAccess1, refresh_token: S.zoomRefresh1, expires_in: 60, token_type: 'bearer' } };
    }
    if (body['grant_type'] === 'refresh_token' && body['refresh_token'] === S.zoomRefresh1) {
      return { status: 200, json: { access_token: S.zoomAccess2, refresh_token: S.zoomRefresh2, expires_in: 3599, token_type: 'bearer' } };
    }
    if (body['grant_type'] === 'refresh_token' && body['refresh_token'] === S.zoomRefresh2) {
      return { status: 200, json: { access_token: S.zoomAccess3, refresh_token: S.zoomRefresh3, expires_in: 3599, token_type: 'bearer' } };
    }
    return { status: 400, json: { reason: `Invalid Token! ${r.body}`, error: 'invalid_grant' } };
  });
  fake.on('POST', /^\/oauth\/revoke$/, (r) =>
    r.headers['authorization'] === `Basic ${ZOOM_BASIC}` ? { status: 200, json: { status: 'success' } } : { status: 401, json: { error: 'invalid_client' } },
  );
  fake.on('GET', /^\/v2\/users\/me$/, (r) =>
    bearer(S.zoomAccess1)(r) ? { status: 200, json: { id: 'zoom-user-1' } } : { status: 401, json: { code: 124, message: 'Invalid access token.' } },
  );
  fake.on('POST', /^\/v2\/users\/me\/meetings$/, (r) =>
    bearer(S.zoomAccess2)(r)
      ? {
          status: 201,
          json: { id: Number(ZOOM_MEETING), join_url: `https://zoom.us/j/${ZOOM_MEETING}`, password: '', start_url: `https://zoom.us/s/${ZOOM_MEETING}?zak=${S.zoomStartZak}` },
        }
      : { status: 401, json: { code: 124, message: 'Invalid access token.' } },
  );
  fake.on('GET', /^\/v2\/meetings\/\d+\/invitation$/, () => ({ status: 200, json: { invitation: 'Join the Zoom meeting.' } }));
  fake.on('PATCH', /^\/v2\/meetings\/\d+$/, (r) => {
    // The second reschedule: Zoom refuses the token once, repeating it, as a careless server would.
    if (bearer(S.zoomAccess2)(r) && rejectedOnce) {
      return { status: 401, json: { code: 124, message: `Invalid access token: ${r.headers['authorization']}` } };
    }
    if (bearer(S.zoomAccess2)(r)) {
      rejectedOnce = true;
      return { status: 204 };
    }
    return bearer(S.zoomAccess3)(r) ? { status: 204 } : { status: 401, json: { code: 124, message: 'Invalid access token.' } };
  });
  fake.on('DELETE', /^\/v2\/meetings\/\d+$/, (r) => (bearer(S.zoomAccess3)(r) ? { status: 204 } : { status: 401, json: { code: 124, message: 'Invalid access token.' } }));
  return fake;
}

describe('no secret in anything the service writes, through install, meetings, webhook and uninstall (a real process)', function () {
  this.timeout(60_000);
  const pipedrive = pipedriveFake();
  const zoom = zoomFake();
  let service: Started | undefined;
  let base = '';

  before(async () => {
    await pipedrive.start();
    await zoom.start();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    service = run('src/infrastructure/main.ts', [], {
      PORT: String(port),
      PUBLIC_BASE_URL: base,
      LOG_LEVEL: 'trace',
      VIDEO_VENDOR: 'zoom',
      PIPEDRIVE_CLIENT_ID,
      PIPEDRIVE_CLIENT_SECRET: S.pipedriveClientSecret,
      PIPEDRIVE_OAUTH_URL: pipedrive.url,
      ZOOM_CLIENT_ID,
      ZOOM_CLIENT_SECRET: S.zoomClientSecret,
      ZOOM_WEBHOOK_SECRET_TOKEN: S.zoomWebhookSecret,
      ZOOM_OAUTH_URL: zoom.url,
      ZOOM_API_URL: `${zoom.url}/v2`,
      MONGODB_URI: await testMongoUri(),
      MONGODB_DB: `secrets_logs_${process.pid}_${Date.now()}`,
      ENCRYPTION_KEY: ENCRYPTION_KEY.toString('base64url'),
      ENCRYPTION_KEYS_PREVIOUS: PREVIOUS_KEY.toString('base64url'),
    });
    await waitFor(() => service!.stdout().includes('MongoDB indexes are in place') || service!.child.exitCode !== null, 'the service to be ready');
    expect(service.child.exitCode, service.stderr()).to.equal(null);
  });

  after(async () => {
    if (service !== undefined && service.child.exitCode === null) {
      service.child.kill('SIGKILL');
      await service.exited;
    }
    await pipedrive.stop();
    await zoom.stop();
  });

  it('writes none of them, in any form, while every one of them was used', async () => {
    const call = (path: string, init: RequestInit = {}) => fetch(`${base}${path}`, { redirect: 'manual', ...init });
    const stateOf = (response: Response) => new URL(response.headers.get('location')!).searchParams.get('state')!;
    const basic = { authorization: `Basic ${PIPEDRIVE_BASIC}` };
    const json = { ...basic, 'content-type': 'application/json' };

    // A code Pipedrive refuses, with a refusal that repeats the code and our credentials.
    expect((await call(`/oauth/callback?code=${S.pipedriveCodeRefused}`)).status).to.equal(400);

    // Install: Pipedrive's consent, then Zoom's.
    const toPipedrive = await call('/oauth/install');
    expect(toPipedrive.status).to.equal(302);
    const toZoom = await call(`/oauth/callback?code=${S.pipedriveCode}&state=${encodeURIComponent(stateOf(toPipedrive))}`);
    expect(toZoom.status, await toZoom.clone().text()).to.equal(302);
    const installed = await call(`/oauth/vendor/callback?code=${S.zoomCode}&state=${encodeURIComponent(stateOf(toZoom))}`);
    expect(installed.status, await installed.clone().text()).to.equal(302);
    const linkId = JSON.parse(pipedrive.calls('POST', /userProviderLinks$/)[0]!.body).user_provider_id as string;

    // Meetings: create (refreshes Zoom's token first), reschedule, reschedule again (Zoom refuses
    // the token once: refresh and retry), delete.
    const body = JSON.stringify({ topic: 'Secret-free call', start_time: '2026-12-01 10:00', duration: 30 });
    const created = await call(`/api/v1/links/${linkId}/meetings`, { method: 'POST', headers: json, body });
    expect(created.status, await created.clone().text()).to.equal(201);
    const meetingId = ((await created.json()) as { data: { meeting_id: string } }).data.meeting_id;
    for (let i = 0; i < 2; i += 1) {
      const updated = await call(`/api/v1/links/${linkId}/meetings/${meetingId}`, { method: 'PATCH', headers: json, body });
      expect(updated.status, await updated.clone().text()).to.equal(204);
    }
    expect((await call(`/api/v1/links/${linkId}/meetings/${meetingId}`, { method: 'DELETE', headers: basic })).status).to.equal(204);

    // Wrong credentials, and the right ones on a route that does not want them.
    const wrong = { authorization: `Basic ${Buffer.from(`${PIPEDRIVE_CLIENT_ID}:${S.pipedriveClientSecret}x`).toString('base64')}` };
    expect((await call(`/api/v1/links/${linkId}/meetings`, { method: 'POST', headers: { ...wrong, 'content-type': 'application/json' }, body })).status).to.equal(401);
    expect((await call('/healthz', { headers: basic })).status).to.equal(200);

    // Zoom's webhook: its endpoint check, signed with the secret token; and a forged one.
    const event = JSON.stringify({ event: 'endpoint.url_validation', payload: { plainToken: 'plain-token-1' } });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = `v0=${createHmac('sha256', S.zoomWebhookSecret).update(`v0:${timestamp}:${event}`).digest('hex')}`;
    const hook = (sig: string) => call('/webhooks/zoom', { method: 'POST', headers: { 'content-type': 'application/json', 'x-zm-request-timestamp': timestamp, 'x-zm-signature': sig }, body: event });
    expect((await hook(signature)).status).to.equal(200);
    expect((await hook(`v0=${'0'.repeat(64)}`)).status).to.equal(401);

    // Uninstall: Zoom's grant revoked with the current token.
    const uninstall = JSON.stringify({ client_id: PIPEDRIVE_CLIENT_ID, company_id: 6, user_id: 5, timestamp: Math.floor(Date.now() / 1000) });
    const removed = await call('/oauth/callback', { method: 'DELETE', headers: json, body: uninstall });
    expect(removed.status, await removed.clone().text()).to.equal(200);

    service!.child.kill('SIGTERM');
    expect(await service!.exited).to.equal(0);

    // Every secret went through the service: it sent them or received them.
    expect(pipedrive.calls('POST', /^\/oauth\/token$/).map((r) => form(r.body)['grant_type'])).to.deep.equal(['authorization_code', 'authorization_code', 'refresh_token']);
    expect(zoom.calls('POST', /^\/oauth\/token$/).map((r) => form(r.body)['grant_type'])).to.deep.equal(['authorization_code', 'refresh_token', 'refresh_token']);
    expect(zoom.calls('PATCH', /meetings/).map((r) => r.headers['authorization'])).to.deep.equal([`Bearer ${S.zoomAccess2}`, `Bearer ${S.zoomAccess2}`, `Bearer ${S.zoomAccess3}`]);
    expect(zoom.calls('POST', /^\/oauth\/revoke$/).map((r) => form(r.body)['token'])).to.deep.equal([S.zoomAccess3]);

    const output = `${service!.stdout()}\n${service!.stderr()}`;
    const lines = output.split('\n').filter((line) => line.startsWith('{'));
    // The log saw the whole flow, failures included: a scan of an empty log would prove nothing.
    const logged = lines.map((line) => JSON.parse(line) as { msg?: string; path?: string; status?: number });
    for (const [path, status] of [
      ['/oauth/install', 302], ['/oauth/callback', 400], ['/oauth/callback', 302], ['/oauth/vendor/callback', 302],
      [`/api/v1/links/${linkId}/meetings`, 201], [`/api/v1/links/${linkId}/meetings/${meetingId}`, 204],
      [`/api/v1/links/${linkId}/meetings`, 401], ['/webhooks/zoom', 200], ['/webhooks/zoom', 401], ['/oauth/callback', 200],
    ] as const) {
      expect(logged.some((l) => l.msg === 'request' && l.path === path && l.status === status), `a request line for ${path} ${status}`).to.equal(true);
    }
    expect(logged.some((l) => l.msg === 'install step failed')).to.equal(true);

    expect(findLeaks(output, SECRETS)).to.deep.equal([]);
  });

  it('the scan finds a secret in each form a leak takes (so an empty result above means something)', () => {
    // A logger without our redaction, writing what careless code would.
    let raw = '';
    const careless = pino({ level: 'trace' }, new Writable({ write: (chunk: Buffer, _e, done) => ((raw += chunk.toString()), done()) }));
    careless.info({ headers: { authorization: `Basic ${PIPEDRIVE_BASIC}` } }, 'request');
    careless.info({ tokenPrefix: `${S.zoomAccess2.slice(3, 16)}…` }, 'refreshed');
    careless.info({ url: `/oauth/callback?code=${encodeURIComponent(S.pipedriveCode)}` }, 'callback');
    careless.info({ key: ENCRYPTION_KEY.toString('hex') }, 'key');
    careless.info({ derived: Buffer.from(deriveKey(PREVIOUS_KEY, 'oauth-state').key).toString('base64') }, 'derived');
    careless.info({ secret: S.zoomWebhookSecret }, 'webhook');
    const found = findLeaks(raw, SECRETS).map((leak) => leak.secret);
    expect(found).to.include.members([
      'Basic credentials Pipedrive sends (base64)', 'zoomAccess2', 'pipedriveCode', 'ENCRYPTION_KEY', 'derived oauth-state key 1', 'zoomWebhookSecret',
    ]);

    // And our logger redacts the shapes it knows by path: the same header logged through it is gone.
    let ours = '';
    createLogger('trace', { write: (line: string) => void (ours += line) }).info({ headers: { authorization: `Basic ${PIPEDRIVE_BASIC}` } }, 'request');
    expect(findLeaks(ours, SECRETS)).to.deep.equal([]);
    expect(ours).to.contain('[redacted]');
  });
});
