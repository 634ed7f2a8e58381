import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import nock from 'nock';
import request from 'supertest';

import { PipedriveCredentials } from '../../../src/application/install/pipedrive-credentials.js';
import { TokenCipher } from '../../../src/application/ports/token-cipher.js';
import type { LinkId, PipedriveId } from '../../../src/domain/ids.js';
import { newPendingLink, type SealedSecret } from '../../../src/domain/link.js';
import { OAUTH_VENDOR_URL, oauthTestPlugin } from '../../support/oauth-test-vendor.js';
import { BASIC, testDeployment, type TestDeployment } from '../../support/service.js';

/** One sample of the exposition: `name{labels} value`. */
interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The samples of the Prometheus text format (comments and blank lines skipped). */
function samples(text: string): Sample[] {
  const parsed: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!;
    parsed.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return parsed;
}

/** The value of the one sample with this name and (at least) these labels; 0 when there is none. */
function valueOf(text: string, name: string, labels: Record<string, string> = {}): number {
  const found = samples(text).filter(
    (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}: name more labels`);
  return found[0]?.value ?? 0;
}

async function scrape(deployment: TestDeployment, authorization?: string): Promise<string> {
  const call = request(deployment.callback).get('/metrics');
  const response = await (authorization === undefined ? call : call.set('Authorization', authorization));
  expect(response.status).to.equal(200);
  expect(response.headers['content-type']).to.match(/^text\/plain; version=0\.0\.4/);
  return response.text;
}

const BODY = { topic: 'Measured call', start_time: '2026-12-01 10:00', duration: 30 };

describe('GET /metrics (Prometheus)', () => {
  let deployment: TestDeployment;
  beforeEach(async () => {
    deployment = await testDeployment();
  });
  afterEach(() => deployment.close());

  it("serves the process's metrics next to the deployment's", async () => {
    const text = await scrape(deployment);
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(samples(text).some((sample) => sample.name === name), name).to.equal(true);
    }
    expect(text).to.contain('# TYPE http_request_duration_seconds histogram');
    expect(text).to.contain('# TYPE vendor_call_duration_seconds histogram');
    expect(text).to.contain('# TYPE token_refreshes_total counter');
    expect(text).to.contain('# TYPE store_errors_total counter');
  });

  it('times requests by route template and status, never by raw path', async () => {
    const linkId = await deployment.link('active');
    for (let i = 0; i < 3; i += 1) {
      await request(deployment.callback).post(`/api/v1/links/${linkId}/meetings`).set('Authorization', BASIC).send(BODY).expect(201);
    }
    await request(deployment.callback).post(`/api/v1/links/${crypto.randomUUID()}/meetings`).send(BODY).expect(401);
    await request(deployment.callback).get(`/no/such/${crypto.randomUUID()}`).expect(404);
    await request(deployment.callback).get(`/stub/meetings/stub-${crypto.randomUUID()}`).expect(404);

    const text = await scrape(deployment);
    const route = '/api/v1/links/:linkId/meetings';
    expect(valueOf(text, 'http_request_duration_seconds_count', { method: 'POST', route, status: '201' })).to.equal(3);
    expect(valueOf(text, 'http_request_duration_seconds_count', { method: 'POST', route, status: '401' })).to.equal(1);
    expect(valueOf(text, 'http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status: '404' })).to.equal(1);
    expect(valueOf(text, 'http_request_duration_seconds_count', { route: '/stub/meetings/:vendorRef', status: '404' })).to.equal(1);
    expect(valueOf(text, 'http_request_duration_seconds_bucket', { method: 'POST', route, status: '201', le: '+Inf' })).to.equal(3);
    expect(text).not.to.contain(linkId);
    expect(text).not.to.contain('/no/such');
  });

  it("counts vendor calls by vendor, operation and outcome (the vendor's failure tag)", async () => {
    const linkId = await deployment.link('active');
    const created = await request(deployment.callback).post(`/api/v1/links/${linkId}/meetings`).set('Authorization', BASIC).send(BODY);
    const meetingUrl = `/api/v1/links/${linkId}/meetings/${created.body.data.meeting_id as string}`;
    deployment.faults.arm('update', { kind: 'fail', error: { _tag: 'VendorRateLimited', message: 'slow down' } });
    await request(deployment.callback).patch(meetingUrl).set('Authorization', BASIC).send(BODY).expect(429);
    await request(deployment.callback).patch(meetingUrl).set('Authorization', BASIC).send(BODY).expect(204);
    await request(deployment.callback).delete(meetingUrl).set('Authorization', BASIC).expect(204);

    const text = await scrape(deployment);
    const count = (operation: string, outcome: string): number =>
      valueOf(text, 'vendor_call_duration_seconds_count', { vendor: 'stub', operation, outcome });
    expect(count('createMeeting', 'ok')).to.equal(1);
    expect(count('updateMeeting', 'VendorRateLimited')).to.equal(1);
    expect(count('updateMeeting', 'ok')).to.equal(1);
    expect(count('deleteMeeting', 'ok')).to.equal(1);
  });

  it('keeps each deployment’s counts apart (a registry per container)', async () => {
    const other = await testDeployment();
    try {
      const linkId = await deployment.link('active');
      await request(deployment.callback).post(`/api/v1/links/${linkId}/meetings`).set('Authorization', BASIC).send(BODY).expect(201);
      const mine = await scrape(deployment);
      const theirs = await scrape(other);
      const created = { operation: 'createMeeting', outcome: 'ok' };
      expect(valueOf(mine, 'vendor_call_duration_seconds_count', created)).to.equal(1);
      expect(valueOf(theirs, 'vendor_call_duration_seconds_count', created)).to.equal(0);
    } finally {
      await other.close();
    }
  });
});

describe('GET /metrics: store errors', function () {
  this.timeout(15_000);

  it('counts store operations that found the store unavailable', async () => {
    const down = await testDeployment({
      MONGODB_URI: 'mongodb://127.0.0.1:1/?directConnection=true&serverSelectionTimeoutMS=200&connectTimeoutMS=200',
    });
    try {
      await request(down.callback).post(`/api/v1/links/${crypto.randomUUID()}/meetings`).set('Authorization', BASIC).send(BODY).expect(503);
      await request(down.callback).get('/stub/meetings/stub-anything').expect(503);
      const text = await scrape(down);
      expect(valueOf(text, 'store_errors_total', { store: 'links', operation: 'findById' })).to.equal(1);
      expect(valueOf(text, 'store_errors_total', { store: 'meetings', operation: 'findByVendorRef' })).to.equal(1);
    } finally {
      await down.close();
    }
  });
});

describe('GET /metrics: token refreshes', () => {
  const PIPEDRIVE_OAUTH = 'https://oauth.pipedrive.test';
  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  after(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });
  afterEach(() => nock.cleanAll());

  async function sealed(deployment: TestDeployment, text: string): Promise<SealedSecret> {
    const result = await deployment.container.get<TokenCipher>(TokenCipher).seal(text)();
    if (E.isLeft(result)) throw new Error('seal failed');
    return result.right;
  }

  it("counts Pipedrive refreshes and their failures, by Pipedrive's failure tag", async () => {
    const deployment = await testDeployment({ PIPEDRIVE_OAUTH_URL: PIPEDRIVE_OAUTH });
    try {
      const expiredLink = async (userId: number): Promise<LinkId> => {
        const now = new Date();
        const saved = await deployment.links.saveInstall(
          newPendingLink({ linkId: crypto.randomUUID() as LinkId, companyId: 3 as PipedriveId, userId: userId as PipedriveId, vendor: deployment.config.vendor.id, now }),
          { apiDomain: 'https://acme.pipedrive.test', accessToken: await sealed(deployment, 'old'), refreshToken: await sealed(deployment, `rt-${userId}`), expiresAt: new Date(now.getTime() - 1000) },
          now,
        )();
        if (E.isLeft(saved)) throw new Error(saved.left.message);
        return saved.right.linkId;
      };
      const credentials = deployment.container.get(PipedriveCredentials);
      const renewed = nock(PIPEDRIVE_OAUTH)
        .post('/oauth/token', { grant_type: 'refresh_token', refresh_token: 'rt-1' })
        .reply(200, { access_token: 'new', refresh_token: 'rt-1b', expires_in: 3599, api_domain: 'https://acme.pipedrive.test' });
      expect(E.isRight(await credentials.access(await expiredLink(1))())).to.equal(true);
      const refused = nock(PIPEDRIVE_OAUTH)
        .post('/oauth/token', { grant_type: 'refresh_token', refresh_token: 'rt-2' })
        .reply(400, { error: 'invalid_grant', error_description: 'refresh token is revoked' });
      expect(E.isLeft(await credentials.access(await expiredLink(2))())).to.equal(true);
      renewed.done();
      refused.done();

      const text = await scrape(deployment);
      expect(valueOf(text, 'token_refreshes_total', { grant: 'pipedrive', outcome: 'ok' })).to.equal(1);
      expect(valueOf(text, 'token_refreshes_total', { grant: 'pipedrive', outcome: 'PipedriveInvalidGrant' })).to.equal(1);
      expect(valueOf(text, 'pipedrive_call_duration_seconds_count', { operation: 'refresh', outcome: 'ok' })).to.equal(1);
    } finally {
      await deployment.close();
    }
  });

  it("counts a vendor's refreshes (made as meetings are created) and their failures", async () => {
    const deployment = await testDeployment({ VIDEO_VENDOR: 'oauth-test' }, { plugins: [oauthTestPlugin] });
    try {
      const withExpiredGrant = async (refreshToken: string): Promise<LinkId> => {
        const linkId = await deployment.link('active');
        const grant = {
          accessToken: await sealed(deployment, 'old-access'),
          refreshToken: await sealed(deployment, refreshToken),
          expiresAt: new Date(Date.now() - 1000),
        };
        expect(E.isRight(await deployment.links.setVendorGrant(linkId, grant, new Date())())).to.equal(true);
        return linkId;
      };
      const renewed = nock(OAUTH_VENDOR_URL)
        .post('/oauth/token', { grant_type: 'refresh_token', refresh_token: 'vendor-rt-1' })
        .reply(200, { access_token: 'fresh', refresh_token: 'vendor-rt-1b', expires_in: 3600 });
      const good = await withExpiredGrant('vendor-rt-1');
      await request(deployment.callback).post(`/api/v1/links/${good}/meetings`).set('Authorization', BASIC).send(BODY).expect(201);
      const refused = nock(OAUTH_VENDOR_URL).post('/oauth/token', { grant_type: 'refresh_token', refresh_token: 'vendor-rt-2' }).reply(400);
      const bad = await withExpiredGrant('vendor-rt-2');
      await request(deployment.callback).post(`/api/v1/links/${bad}/meetings`).set('Authorization', BASIC).send(BODY).expect(409);
      renewed.done();
      refused.done();

      const text = await scrape(deployment);
      expect(valueOf(text, 'token_refreshes_total', { grant: 'vendor', outcome: 'ok' })).to.equal(1);
      expect(valueOf(text, 'token_refreshes_total', { grant: 'vendor', outcome: 'VendorAuthorizationRevoked' })).to.equal(1);
      const vendorCall = (operation: string, outcome: string): number =>
        valueOf(text, 'vendor_call_duration_seconds_count', { vendor: 'oauth-test', operation, outcome });
      expect(vendorCall('refresh', 'ok')).to.equal(1);
      expect(vendorCall('refresh', 'VendorAuthorizationRevoked')).to.equal(1);
      expect(vendorCall('createMeeting', 'ok')).to.equal(1);
    } finally {
      await deployment.close();
    }
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  const TOKEN = 'metrics-token-0123456789';
  let deployment: TestDeployment;
  before(async () => {
    deployment = await testDeployment({ METRICS_TOKEN: TOKEN });
  });
  after(() => deployment.close());

  it('answers 401 without the bearer token, or with another, and the metrics with it', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789', `Basic ${TOKEN}`, BASIC]) {
      const call = request(deployment.callback).get('/metrics');
      const response = await (authorization === undefined ? call : call.set('Authorization', authorization));
      expect(response.status, String(authorization)).to.equal(401);
      expect(response.body).to.deep.include({ success: false });
      expect(response.body.error.code).to.equal('UNAUTHORIZED');
      expect(response.headers['www-authenticate']).to.match(/^Bearer/);
      expect(response.text).not.to.contain('http_request_duration_seconds');
    }
    const text = await scrape(deployment, `Bearer ${TOKEN}`);
    expect(text).to.contain('http_request_duration_seconds');
  });
});
