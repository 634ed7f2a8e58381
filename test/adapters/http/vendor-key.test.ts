import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import nock from 'nock';
import request from 'supertest';

import type { PipedriveId } from '../../../src/domain/ids.js';
import { KEY_VENDOR_URL, keyTestPlugin } from '../../support/key-test-vendor.js';
import { BASIC, testDeployment, type TestDeployment } from '../../support/service.js';

const OAUTH = 'https://oauth.pipedrive.test';
const API = 'https://acme.pipedrive.test';

describe('install with a vendor account key pasted into a form (GET/POST /oauth/vendor/key)', () => {
  let deployment: TestDeployment;

  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  after(() => nock.enableNetConnect());
  beforeEach(async () => {
    deployment = await testDeployment({ PIPEDRIVE_OAUTH_URL: OAUTH, VIDEO_VENDOR: 'key-test' }, { plugins: [keyTestPlugin] });
  });
  afterEach(async () => {
    nock.cleanAll();
    await deployment.close();
  });

  const storedLink = async () => {
    const found = await deployment.links.findByPipedriveUser(7 as PipedriveId, 42 as PipedriveId)();
    return E.isRight(found) ? O.toUndefined(found.right) : undefined;
  };
  /** The state carried by the form in a page. */
  const stateIn = (page: string): string => /name="state" value="([^"]+)"/.exec(page)?.[1] ?? '';
  const submit = (state: string, key: string) =>
    request(deployment.callback).post('/oauth/vendor/key').type('form').send({ state, key });

  async function toForm(): Promise<string> {
    nock(OAUTH).post('/oauth/token').reply(200, { access_token: 'pd-a', refresh_token: 'pd-r', expires_in: 3599, api_domain: API });
    nock(API).get('/api/v1/users/me').reply(200, { success: true, data: { id: 42, company_id: 7 } });
    const callback = await request(deployment.callback).get('/oauth/callback?code=c');
    expect(callback.status).to.equal(302);
    const location = new URL(callback.headers['location'] as string);
    expect(`${location.origin}${location.pathname}`).to.equal('https://video.test/oauth/vendor/key');
    const form = await request(deployment.callback).get(`${location.pathname}${location.search}`);
    expect(form.status).to.equal(200);
    expect(form.text).to.contain('<label for="key">Key Test API key</label>').and.contain('under API keys');
    return stateIn(form.text);
  }

  it('asks again for a missing or refused key, keeps the link unusable, then activates it with a good key', async () => {
    const firstState = await toForm();

    const empty = await submit(firstState, '   ');
    expect(empty.status).to.equal(400);
    expect(empty.text).to.contain('role="alert"').and.contain('Enter your Key Test API key').and.contain('aria-invalid="true"');
    const secondState = stateIn(empty.text);
    expect(secondState).not.to.equal(firstState);

    const check = nock(KEY_VENDOR_URL, { reqheaders: { authorization: 'Bearer wrong-key' } }).get('/me').reply(401, { error: 'invalid' });
    const refused = await submit(secondState, 'wrong-key');
    check.done();
    expect(refused.status).to.equal(400);
    expect(refused.text).to.contain('did not accept this key');
    expect((await storedLink())?.status).to.equal('pending');

    const replay = await submit(secondState, 'good-key');
    expect(replay.status).to.equal(400);
    expect(replay.text).to.contain('reused');

    const scopes = [
      nock(KEY_VENDOR_URL, { reqheaders: { authorization: 'Bearer good-key' } }).get('/me').reply(200, { account: 'acct-9' }),
      nock(API, { reqheaders: { authorization: 'Bearer pd-a' } }).post('/api/v1/meetings/userProviderLinks').reply(200, { success: true, data: {} }),
    ];
    const accepted = await submit(stateIn(refused.text), 'good-key');
    for (const scope of scopes) scope.done();
    // A page, not a redirect: browsers hold a form's redirects to the CSP's form-action ('self').
    expect(accepted.status).to.equal(200);
    expect(accepted.text).to.contain('Key Test Video is connected').and.contain(`<a class="button" href="${API}">Continue to Pipedrive</a>`);
    const link = await storedLink();
    expect(link?.status).to.equal('active');
    expect(link?.vendorGrant?.vendorUserId).to.equal('acct-9');
    expect(link?.vendorGrant?.accessToken).not.to.contain('good-key');

    const room = nock(KEY_VENDOR_URL, { reqheaders: { authorization: 'Bearer good-key' } })
      .post('/rooms')
      .reply(200, { name: 'room-1', url: 'https://keyvendor.test/room-1' });
    const created = await request(deployment.callback)
      .post(`/api/v1/links/${link!.linkId}/meetings`)
      .set('Authorization', BASIC)
      .send({ topic: 'Keyed call', start_time: '2026-12-01 10:00', duration: 30 });
    room.done();
    expect(created.status).to.equal(201);
    expect(created.body.data.join_url).to.equal('https://keyvendor.test/room-1');
  });

  it('a key the vendor later refuses answers 409: the user must install again with a valid key', async () => {
    const state = await toForm();
    nock(KEY_VENDOR_URL).get('/me').reply(200, { account: 'acct-9' });
    nock(API).post('/api/v1/meetings/userProviderLinks').reply(200, { success: true, data: {} });
    expect((await submit(state, 'good-key')).status).to.equal(200);
    const link = await storedLink();
    nock(KEY_VENDOR_URL).post('/rooms').reply(401, { error: 'revoked' });
    const created = await request(deployment.callback)
      .post(`/api/v1/links/${link!.linkId}/meetings`)
      .set('Authorization', BASIC)
      .send({ topic: 'Keyed call', start_time: '2026-12-01 10:00', duration: 30 });
    expect(created.status).to.equal(409);
    expect((await storedLink())?.status).to.equal('needs_reauth');
  });

  it('refuses the form without a valid state, and a post that is not a form', async () => {
    expect((await request(deployment.callback).get('/oauth/vendor/key')).status).to.equal(400);
    expect((await request(deployment.callback).get('/oauth/vendor/key?state=forged.state.value')).status).to.equal(400);
    const json = await request(deployment.callback).post('/oauth/vendor/key').send({ state: 'x', key: 'y' });
    expect(json.status).to.equal(400);
    expect(json.headers['content-type']).to.match(/^text\/html/);
  });
});
