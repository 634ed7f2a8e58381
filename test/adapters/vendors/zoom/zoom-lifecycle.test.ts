import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import nock from 'nock';
import request from 'supertest';

import { TokenCipher } from '../../../../src/application/ports/token-cipher.js';
import type { LinkId, PipedriveId, VendorId } from '../../../../src/domain/ids.js';
import { newPendingLink, type SealedSecret } from '../../../../src/domain/link.js';
import { testMongoUri } from '../../../support/mongo.js';
import { BASIC, testDeployment, type TestDeployment } from '../../../support/service.js';

/**
 * Zoom through the whole service: the reverse API, the use cases, the grant keeper and MongoDB,
 * with nock as Zoom. What the adapter does with each answer is tested next to it; this file is
 * about the token's life: refresh, rotation, restart, concurrency, revocation.
 */

const ZOOM_OAUTH = 'https://zoom.test';
const ZOOM_API = 'https://api.zoom.test';
const ZOOM_CLIENT_BASIC = `Basic ${Buffer.from('zoom-client:zoom-secret').toString('base64')}`;

const env = async (db: string) => ({
  VIDEO_VENDOR: 'zoom',
  ZOOM_CLIENT_ID: 'zoom-client',
  ZOOM_CLIENT_SECRET: 'zoom-secret',
  ZOOM_WEBHOOK_SECRET_TOKEN: 'zoom-webhook-secret',
  ZOOM_OAUTH_URL: ZOOM_OAUTH,
  ZOOM_API_URL: `${ZOOM_API}/v2`,
  MONGODB_URI: await testMongoUri(),
  MONGODB_DB: db,
});

const BODY = { topic: 'Zoom call', start_time: '2026-12-31 23:30', duration: 60 };

/** An installed, active Zoom link whose Zoom access token expires at `expiresAt`. */
async function zoomLink(deployment: TestDeployment, tokens: { access: string; refresh: string; expiresAt: Date }): Promise<LinkId> {
  const cipher = deployment.container.get<TokenCipher>(TokenCipher);
  const seal = async (text: string): Promise<SealedSecret> => {
    const sealed = await cipher.seal(text)();
    if (E.isLeft(sealed)) throw new Error('seal failed');
    return sealed.right;
  };
  const now = new Date();
  const saved = await deployment.links.saveInstall(
    newPendingLink({
      linkId: crypto.randomUUID() as LinkId,
      companyId: 1 as PipedriveId,
      userId: Math.floor(Math.random() * 1e9) as PipedriveId,
      vendor: 'zoom' as VendorId,
      now,
    }),
    {
      apiDomain: 'https://acme.pipedrive.test',
      accessToken: await seal('pd-access'),
      refreshToken: await seal('pd-refresh'),
      expiresAt: new Date(Date.now() + 3_600_000),
    },
    now,
  )();
  if (E.isLeft(saved)) throw new Error(saved.left.message);
  const linkId = saved.right.linkId;
  await deployment.links.setVendorGrant(
    linkId,
    { accessToken: await seal(tokens.access), refreshToken: await seal(tokens.refresh), expiresAt: tokens.expiresAt, vendorUserId: 'zoom-user-1' },
    now,
  )();
  await deployment.links.setStatus(linkId, 'active', now)();
  return linkId;
}

/** Zoom's token endpoint, expecting exactly this refresh token, answering a rotated pair. */
function zoomRefresh(expected: string, next: { access: string; refresh: string; expiresIn?: number }): nock.Scope {
  return nock(ZOOM_OAUTH, { reqheaders: { authorization: ZOOM_CLIENT_BASIC } })
    .post('/oauth/token', { grant_type: 'refresh_token', refresh_token: expected })
    .delay(100)
    .reply(200, {
      access_token: next.access,
      refresh_token: next.refresh,
      token_type: 'bearer',
      expires_in: next.expiresIn ?? 3599,
      scope: 'meeting:write:meeting',
    });
}

/** Zoom's meeting ids: int64, never reused, so one counter for the whole file. */
let next = 98765432109876500n;

/** Zoom creating meetings for this bearer token, `times` times, with their invitations. */
function zoomCreates(accessToken: string, times = 1): nock.Scope {
  return nock(ZOOM_API, { reqheaders: { authorization: `Bearer ${accessToken}` } })
    .post(
      '/v2/users/me/meetings',
      (body: Record<string, unknown>) =>
        typeof body['topic'] === 'string' &&
        body['topic'].startsWith('Zoom call') &&
        body['type'] === 2 &&
        body['start_time'] === '2026-12-31T23:30:00Z' &&
        body['duration'] === 60 &&
        body['timezone'] === 'UTC',
    )
    .times(times)
    .reply(201, () => {
      next += 1n;
      return `{"id":${next},"join_url":"https://zoom.us/j/${next}?pwd=abc","password":"abc123","start_url":"https://zoom.us/s/${next}?zak=secret"}`;
    })
    .get(/\/v2\/meetings\/\d+\/invitation/)
    .times(times)
    .reply(200, { invitation: 'Zoom invites you.' });
}

let activity = 0;
/** A create for a new activity each time: identical bodies would be one create repeated (a duplicate). */
const create = (deployment: TestDeployment, linkId: string) =>
  request(deployment.callback)
    .post(`/api/v1/links/${linkId}/meetings`)
    .set('Authorization', BASIC)
    .send({ ...BODY, topic: `${BODY.topic} ${(activity += 1)}` });

describe('Zoom grants through the whole service (nock as Zoom, MongoDB over the wire)', function () {
  this.timeout(20_000);
  const deployments: TestDeployment[] = [];
  const db = `zoom_${process.pid}_${Date.now()}`;

  const deploy = async (): Promise<TestDeployment> => {
    const deployment = await testDeployment(await env(db));
    for (let i = 0; i < 100 && !deployment.store.indexesReady(); i += 1) await new Promise((r) => setTimeout(r, 50));
    deployments.push(deployment);
    return deployment;
  };

  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterEach(() => {
    nock.cleanAll();
    nock.abortPendingRequests();
  });
  after(async () => {
    nock.enableNetConnect();
    await deployments[0]?.store.db?.dropDatabase();
    for (const deployment of deployments) await deployment.close();
  });

  it('creates with the stored token while it is fresh; the answer keeps the int64 id exact and never the start URL', async () => {
    const deployment = await deploy();
    const linkId = await zoomLink(deployment, { access: 'zoom-access-1', refresh: 'zoom-refresh-1', expiresAt: new Date(Date.now() + 3_600_000) });
    const zoom = zoomCreates('zoom-access-1');
    const response = await create(deployment, linkId);
    zoom.done();
    expect(response.status).to.equal(201);
    expect(response.body.data.join_url).to.equal('https://zoom.us/j/98765432109876501?pwd=abc');
    expect(response.body.data.invitation).to.equal('Zoom invites you.');
    expect(JSON.stringify(response.body)).not.to.contain('zak=');
    const stored = await deployment.meetings.findForLink(linkId, response.body.data.meeting_id)();
    expect(E.isRight(stored) && stored.right._tag === 'Some' && stored.right.value.vendorRef).to.equal('98765432109876501');
  });

  it('refreshes an expired token, stores the rotated pair, and after a restart uses the NEW refresh token', async () => {
    const first = await deploy();
    const linkId = await zoomLink(first, { access: 'zoom-access-1', refresh: 'zoom-refresh-1', expiresAt: new Date(Date.now() - 1_000) });
    // A short-lived answer, so the next call (after the restart) must refresh again.
    let scopes = [zoomRefresh('zoom-refresh-1', { access: 'zoom-access-2', refresh: 'zoom-refresh-2', expiresIn: 1 }), zoomCreates('zoom-access-2')];
    expect((await create(first, linkId)).status).to.equal(201);
    for (const scope of scopes) scope.done();

    const restarted = await deploy();
    scopes = [zoomRefresh('zoom-refresh-2', { access: 'zoom-access-3', refresh: 'zoom-refresh-3' }), zoomCreates('zoom-access-3')];
    expect((await create(restarted, linkId)).status).to.equal(201);
    for (const scope of scopes) scope.done();
  });

  it('twenty concurrent calls on two instances with an expired token make ONE refresh', async () => {
    const a = await deploy();
    const b = await deploy();
    const linkId = await zoomLink(a, { access: 'zoom-access-1', refresh: 'zoom-refresh-1', expiresAt: new Date(Date.now() - 1_000) });
    const refresh = zoomRefresh('zoom-refresh-1', { access: 'zoom-access-2', refresh: 'zoom-refresh-2' });
    const zoom = zoomCreates('zoom-access-2', 20);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => create(i % 2 === 0 ? a : b, linkId)),
    );
    refresh.done();
    zoom.done();
    expect(responses.map((r) => r.status)).to.deep.equal(Array(20).fill(201));
  });

  it('invalid_grant on refresh answers 409, flags the link, and later calls answer 409 without asking Zoom', async () => {
    const deployment = await deploy();
    const linkId = await zoomLink(deployment, { access: 'zoom-access-1', refresh: 'zoom-refresh-1', expiresAt: new Date(Date.now() - 1_000) });
    const refused = nock(ZOOM_OAUTH).post('/oauth/token').reply(400, { reason: 'Invalid Token!', error: 'invalid_grant' });
    const first = await create(deployment, linkId);
    refused.done();
    expect(first.status).to.equal(409);
    expect(first.body.error.code).to.equal('LINK_NEEDS_REAUTHORIZATION');
    expect(first.body.error.message).to.match(/Zoom/);
    const second = await create(deployment, linkId);
    expect(second.status).to.equal(409);
  });

  it('uninstall refreshes an expired Zoom token, then revokes the grant with the new one', async () => {
    const deployment = await deploy();
    const linkId = await zoomLink(deployment, { access: 'zoom-access-1', refresh: 'zoom-refresh-1', expiresAt: new Date(Date.now() - 1_000) });
    const found = await deployment.links.findById(linkId)();
    const link = E.isRight(found) && found.right._tag === 'Some' ? found.right.value : undefined;
    const scopes = [
      zoomRefresh('zoom-refresh-1', { access: 'zoom-access-2', refresh: 'zoom-refresh-2' }),
      nock(ZOOM_OAUTH, { reqheaders: { authorization: ZOOM_CLIENT_BASIC } }).post('/oauth/revoke', { token: 'zoom-access-2' }).reply(200, { status: 'success' }),
    ];
    const response = await request(deployment.callback)
      .delete('/oauth/callback')
      .set('Authorization', BASIC)
      .send({ client_id: 'test-client-id', company_id: link!.companyId, user_id: link!.userId, timestamp: 1795550000 });
    for (const scope of scopes) scope.done();
    expect(response.body).to.deep.equal({ success: true, data: { removed: true } });
  });

  it('code 124 refreshes once and retries once; a second 124 answers 409', async () => {
    const deployment = await deploy();
    const linkId = await zoomLink(deployment, { access: 'zoom-access-1', refresh: 'zoom-refresh-1', expiresAt: new Date(Date.now() + 3_600_000) });
    const rejected = nock(ZOOM_API, { reqheaders: { authorization: 'Bearer zoom-access-1' } })
      .post('/v2/users/me/meetings')
      .reply(401, { code: 124, message: 'Invalid access token.' });
    const scopes = [rejected, zoomRefresh('zoom-refresh-1', { access: 'zoom-access-2', refresh: 'zoom-refresh-2' }), zoomCreates('zoom-access-2')];
    const retried = await create(deployment, linkId);
    for (const scope of scopes) scope.done();
    expect(retried.status).to.equal(201);

    const other = await zoomLink(deployment, { access: 'zoom-access-9', refresh: 'zoom-refresh-9', expiresAt: new Date(Date.now() + 3_600_000) });
    const twice = [
      nock(ZOOM_API).post('/v2/users/me/meetings').times(2).reply(401, { code: 124, message: 'Access token is expired.' }),
      zoomRefresh('zoom-refresh-9', { access: 'zoom-access-10', refresh: 'zoom-refresh-10' }),
    ];
    const refusedTwice = await create(deployment, other);
    for (const scope of twice) scope.done();
    expect(refusedTwice.status).to.equal(409);
  });
});

describe('Zoom install and deauthorization, end to end', function () {
  this.timeout(20_000);
  let deployment: TestDeployment;
  const PD_OAUTH = 'https://oauth.pipedrive.test';
  const PD_API = 'https://acme.pipedrive.test';

  before(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    deployment = await testDeployment({ ...(await env(`zoomflow_${process.pid}_${Date.now()}`)), PIPEDRIVE_OAUTH_URL: PD_OAUTH });
  });
  after(async () => {
    nock.cleanAll();
    nock.enableNetConnect();
    await deployment.store.db?.dropDatabase();
    await deployment.close();
  });

  it('installs through Pipedrive then Zoom, registers, serves; app_deauthorized then disconnects it (409)', async () => {
    nock(PD_OAUTH).post('/oauth/token').reply(200, { access_token: 'pd-a', refresh_token: 'pd-r', expires_in: 3599, api_domain: PD_API });
    nock(PD_API).get('/api/v1/users/me').reply(200, { success: true, data: { id: 42, company_id: 7 } });
    const toZoom = await request(deployment.callback).get('/oauth/callback?code=pd-code');
    expect(toZoom.status).to.equal(302);
    const authorize = new URL(toZoom.headers['location'] as string);
    expect(`${authorize.origin}${authorize.pathname}`).to.equal(`${ZOOM_OAUTH}/oauth/authorize`);
    expect(authorize.searchParams.get('response_type')).to.equal('code');
    expect(authorize.searchParams.get('client_id')).to.equal('zoom-client');
    expect(authorize.searchParams.get('redirect_uri')).to.equal('https://video.test/oauth/vendor/callback');

    const zoom = [
      nock(ZOOM_OAUTH, { reqheaders: { authorization: ZOOM_CLIENT_BASIC } })
        .post('/oauth/token', { grant_type: 'authorization_code', code: 'zoom-code', redirect_uri: 'https://video.test/oauth/vendor/callback' })
        .reply(200, { access_token: 'zoom-access-1', refresh_token: 'zoom-refresh-1', expires_in: 3599, token_type: 'bearer' }),
      nock(ZOOM_API, { reqheaders: { authorization: 'Bearer zoom-access-1' } }).get('/v2/users/me').reply(200, { id: 'KDcuGIm1QgePTO8WbOqwIQ', email: 'a@b.c' }),
      nock(PD_API, { reqheaders: { authorization: 'Bearer pd-a' } }).post('/api/v1/meetings/userProviderLinks').reply(200, { success: true, data: {} }),
    ];
    const done = await request(deployment.callback).get(
      `/oauth/vendor/callback?code=zoom-code&state=${encodeURIComponent(authorize.searchParams.get('state')!)}`,
    );
    for (const scope of zoom) scope.done();
    expect(done.status).to.equal(302);

    const found = await deployment.links.findByPipedriveUser(7 as PipedriveId, 42 as PipedriveId)();
    const link = E.isRight(found) && found.right._tag === 'Some' ? found.right.value : undefined;
    expect(link?.status).to.equal('active');
    expect(link?.vendorGrant?.vendorUserId).to.equal('KDcuGIm1QgePTO8WbOqwIQ');
    const created = zoomCreates('zoom-access-1');
    expect((await create(deployment, link!.linkId)).status).to.equal(201);
    created.done();

    // Zoom's signed notification: the user removed our app in Zoom.
    const body = JSON.stringify({
      event: 'app_deauthorized',
      event_ts: Date.now(),
      payload: { account_id: 'acc', user_id: 'KDcuGIm1QgePTO8WbOqwIQ', signature: 'x', deauthorization_time: new Date().toISOString(), client_id: 'zoom-client' },
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const { createHmac } = await import('node:crypto');
    const signature = `v0=${createHmac('sha256', 'zoom-webhook-secret').update(`v0:${timestamp}:${body}`).digest('hex')}`;
    const unregister = nock(PD_API, { reqheaders: { authorization: 'Bearer pd-a' } })
      .delete(`/api/v1/meetings/userProviderLinks/${link!.linkId}`)
      .reply(200, { success: true, data: {} });
    const notified = await request(deployment.callback)
      .post('/webhooks/zoom')
      .set('Content-Type', 'application/json')
      .set('x-zm-request-timestamp', timestamp)
      .set('x-zm-signature', signature)
      .send(body);
    unregister.done();
    expect(notified.status).to.equal(200);
    const after = await create(deployment, link!.linkId);
    expect(after.status).to.equal(409);
    expect(after.body.error.code).to.equal('LINK_NEEDS_REAUTHORIZATION');
  });
});
