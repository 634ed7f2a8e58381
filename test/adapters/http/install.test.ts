import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import nock from 'nock';
import request from 'supertest';

import { OAuthStateSigner } from '../../../src/application/ports/oauth-state.js';
import { JoseOAuthStateSigner } from '../../../src/adapters/crypto/jose-oauth-state-signer.js';
import type { LinkId, PipedriveId } from '../../../src/domain/ids.js';
import { BASIC, CLIENT_ID, CLIENT_SECRET, testDeployment, type TestDeployment } from '../../support/service.js';
import { OAUTH_VENDOR_URL, oauthTestPlugin } from '../../support/oauth-test-vendor.js';

const OAUTH = 'https://oauth.pipedrive.test';
const API = 'https://acme.pipedrive.test';
const CLIENT_BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
const ENV = { PIPEDRIVE_OAUTH_URL: OAUTH };

const COMPANY = 77;
const USER = 501;

interface PipedriveFake {
  token(code?: string, tokens?: Partial<{ access: string; refresh: string }>): nock.Scope;
  me(access?: string, user?: number): nock.Scope;
  register(reply?: object, status?: number): nock.Scope;
  registered(): Record<string, unknown> | undefined;
}

/** Pipedrive's OAuth server and API, as nock interceptors that also check what we send. */
function pipedrive(): PipedriveFake {
  let registration: Record<string, unknown> | undefined;
  return {
    token: (code = 'the-code', tokens = {}) =>
      nock(OAUTH, { reqheaders: { authorization: CLIENT_BASIC, 'content-type': /application\/x-www-form-urlencoded/ } })
        .post('/oauth/token', {
          grant_type: 'authorization_code',
          code,
          redirect_uri: 'https://video.test/oauth/callback',
        })
        .reply(200, {
          access_token: tokens.access ?? 'v1u:access-one',
          refresh_token: tokens.refresh ?? 'v1u:refresh-one',
          token_type: 'bearer',
          expires_in: 3599,
          api_domain: API,
          scope: 'video-calls',
        }),
    me: (access = 'v1u:access-one', user = USER) =>
      nock(API, { reqheaders: { authorization: `Bearer ${access}` } })
        .get('/api/v1/users/me')
        .reply(200, { success: true, data: { id: user, company_id: COMPANY, company_domain: 'acme' } }),
    register: (reply = { success: true, data: { message: 'The user was added successfully' } }, status = 200) =>
      nock(API)
        .post('/api/v1/meetings/userProviderLinks', (body: Record<string, unknown>) => {
          registration = body;
          return true;
        })
        .reply(status, reply),
    registered: () => registration,
  };
}

describe('install and uninstall (Pipedrive faked with nock)', () => {
  let deployment: TestDeployment;
  let fake: PipedriveFake;

  before(() => {
    nock.disableNetConnect();
    // supertest reaches the app over loopback.
    nock.enableNetConnect('127.0.0.1');
  });
  after(() => nock.enableNetConnect());
  beforeEach(async () => {
    deployment = await testDeployment(ENV);
    fake = pipedrive();
  });
  afterEach(async () => {
    nock.cleanAll();
    await deployment.close();
  });

  const callback = (query: string) => request(deployment.callback).get(`/oauth/callback?${query}`);
  const linkOf = async (companyId = COMPANY, userId = USER) => {
    const found = await deployment.links.findByPipedriveUser(companyId as PipedriveId, userId as PipedriveId)();
    if (E.isLeft(found)) throw new Error(found.left.message);
    return O.toUndefined(found.right);
  };
  const createMeeting = (linkId: string) =>
    request(deployment.callback)
      .post(`/api/v1/links/${linkId}/meetings`)
      .set('Authorization', BASIC)
      .send({ topic: 'After install', start_time: '2026-12-01 10:00', duration: 30 });

  describe('GET /oauth/install', () => {
    it('redirects to Pipedrive’s authorize URL with the client id, the callback and a signed state', async () => {
      const response = await request(deployment.callback).get('/oauth/install');
      expect(response.status).to.equal(302);
      const location = new URL(response.headers['location'] as string);
      expect(`${location.origin}${location.pathname}`).to.equal(`${OAUTH}/oauth/authorize`);
      expect(location.searchParams.get('client_id')).to.equal(CLIENT_ID);
      expect(location.searchParams.get('redirect_uri')).to.equal('https://video.test/oauth/callback');
      const state = location.searchParams.get('state');
      const verified = await deployment.container
        .get<OAuthStateSigner>(OAuthStateSigner)
        .verify(state ?? '', 'pipedrive-install', new Date())();
      expect(E.isRight(verified)).to.equal(true);
    });
  });

  describe('GET /oauth/callback', () => {
    it('without state (a Marketplace-started install): exchanges, reads the user, registers, activates, redirects', async () => {
      const scopes = [fake.token(), fake.me(), fake.register({ success: true, data: { redirectUrl: `${API}/settings/video` } })];
      const response = await callback('code=the-code');
      for (const scope of scopes) scope.done();
      expect(response.status).to.equal(302);
      expect(response.headers['location']).to.equal(`${API}/settings/video`);
      // For a browser that shows a redirect instead of following it: a page with the link.
      expect(response.text).to.contain(`<a href="${API}/settings/video">continue here</a>`).and.contain('<html lang="en">');

      const link = await linkOf();
      expect(link?.status).to.equal('active');
      expect(fake.registered()).to.deep.equal({
        user_provider_id: link?.linkId,
        user_id: USER,
        company_id: COMPANY,
        marketplace_client_id: CLIENT_ID,
      });
      expect((await createMeeting(link!.linkId)).status).to.equal(201);
    });

    it('with the state /oauth/install issued: accepted once; the same state again is 400 before any exchange', async () => {
      const install = await request(deployment.callback).get('/oauth/install');
      const state = new URL(install.headers['location'] as string).searchParams.get('state')!;
      const scopes = [fake.token(), fake.me(), fake.register()];
      const first = await callback(`code=the-code&state=${encodeURIComponent(state)}`);
      for (const scope of scopes) scope.done();
      expect(first.status).to.equal(302);

      const tokenCalls = nock(OAUTH).post('/oauth/token').reply(500);
      const again = await callback(`code=the-code&state=${encodeURIComponent(state)}`);
      expect(again.status).to.equal(400);
      expect(again.headers['content-type']).to.match(/^text\/html/);
      expect(again.text).to.contain('no longer valid').and.contain('reused');
      expect(tokenCalls.isDone(), 'no token exchange for a reused state').to.equal(false);
    });

    it('refuses a forged, an expired, a wrong-purpose and a doubled state with 400, before any exchange', async () => {
      const tokenCalls = nock(OAUTH).post('/oauth/token').reply(500);
      const foreign = new JoseOAuthStateSigner({ current: new Uint8Array(32).fill(9), previous: [] }, 600);
      const forged = await foreign.issue({ purpose: 'pipedrive-install' }, new Date())();
      const signer = deployment.container.get<OAuthStateSigner>(OAuthStateSigner);
      const expired = await signer.issue({ purpose: 'pipedrive-install' }, new Date(Date.now() - 3_600_000))();
      const wrongPurpose = await signer.issue({ purpose: 'vendor-connect' }, new Date())();
      for (const [state, reason] of [
        [E.isRight(forged) ? forged.right : '', 'forged'],
        [E.isRight(expired) ? expired.right : '', 'expired'],
        [E.isRight(wrongPurpose) ? wrongPurpose.right : '', 'wrong purpose'],
        ['not-a-state', 'malformed'],
      ] as const) {
        const response = await callback(`code=the-code&state=${encodeURIComponent(state)}`);
        expect(response.status, reason).to.equal(400);
        expect(response.text).to.contain(reason);
      }
      const doubled = await callback('code=the-code&state=a&state=b');
      expect(doubled.status).to.equal(400);
      expect(tokenCalls.isDone(), 'no token exchange for a bad state').to.equal(false);
      expect(await linkOf()).to.equal(undefined);
    });

    it('answers user_denied with a short page, no exchange, nothing stored', async () => {
      const tokenCalls = nock(OAUTH).post('/oauth/token').reply(500);
      const response = await callback('error=user_denied');
      expect(response.status).to.equal(200);
      expect(response.text).to.contain('Installation cancelled');
      expect(tokenCalls.isDone()).to.equal(false);
      expect(await linkOf()).to.equal(undefined);
    });

    it('answers 400 when the code is missing', async () => {
      const response = await callback('');
      expect(response.status).to.equal(400);
      expect(response.text).to.contain('authorization code is missing');
    });

    it('a re-install keeps the link id and replaces the tokens', async () => {
      let scopes = [fake.token(), fake.me(), fake.register()];
      await callback('code=the-code');
      for (const scope of scopes) scope.done();
      const first = await linkOf();

      scopes = [fake.token('second-code', { access: 'v1u:access-two', refresh: 'v1u:refresh-two' }), fake.me('v1u:access-two'), fake.register()];
      const response = await callback('code=second-code');
      for (const scope of scopes) scope.done();
      expect(response.status).to.equal(302);
      const second = await linkOf();
      expect(second?.linkId).to.equal(first?.linkId);
      expect(second?.createdAt.getTime()).to.equal(first?.createdAt.getTime());
      expect(second?.pipedrive?.accessToken).not.to.equal(first?.pipedrive?.accessToken);
      expect(fake.registered()?.['user_provider_id']).to.equal(first?.linkId);
    });

    for (const [where, reply] of [
      ['data.redirect_url', { success: true, data: { redirect_url: `${API}/a` } }],
      ['a top-level redirectUrl', { success: true, redirectUrl: `${API}/a`, data: {} }],
    ] as const) {
      it(`follows the registration's redirect URL given as ${where}`, async () => {
        const scopes = [fake.token(), fake.me(), fake.register(reply)];
        const response = await callback('code=the-code');
        for (const scope of scopes) scope.done();
        expect(response.headers['location']).to.equal(`${API}/a`);
      });
    }

    it('redirects to the api_domain when the registration names no redirect URL', async () => {
      const scopes = [fake.token(), fake.me(), fake.register()];
      const response = await callback('code=the-code');
      for (const scope of scopes) scope.done();
      expect(response.status).to.equal(302);
      // Koa writes the bare origin with its root slash: the same address.
      expect(response.headers['location']).to.equal(`${API}/`);
    });

    describe('Pipedrive failing at each step leaves nothing usable', () => {
      it('token exchange: invalid_grant → 400 page; 500 → 502 page; no link stored', async () => {
        nock(OAUTH).post('/oauth/token').reply(400, { error: 'invalid_grant', error_description: 'Invalid grant: authorization code is invalid' });
        const refused = await callback('code=old-code');
        expect(refused.status).to.equal(400);
        expect(refused.text).to.contain('already used or has expired');
        nock(OAUTH).post('/oauth/token').reply(500, 'oops');
        const failed = await callback('code=the-code');
        expect(failed.status).to.equal(502);
        expect(failed.text).to.match(/Reference: <code>[0-9a-f-]{36}<\/code>/);
        expect(await linkOf()).to.equal(undefined);
      });

      it('identity: 502 page, no link stored', async () => {
        const scopes = [fake.token(), nock(API).get('/api/v1/users/me').reply(503)];
        const response = await callback('code=the-code');
        for (const scope of scopes) scope.done();
        expect(response.status).to.equal(502);
        expect(response.text).to.contain('could not read your Pipedrive user');
        expect(await linkOf()).to.equal(undefined);
      });

      it('registration: 502 page, the link stays pending and the reverse API does not serve it', async () => {
        const scopes = [fake.token(), fake.me(), fake.register({ success: false, error: 'down' }, 500)];
        const response = await callback('code=the-code');
        for (const scope of scopes) scope.done();
        expect(response.status).to.equal(502);
        expect(response.text).to.contain('could not register');
        const link = await linkOf();
        expect(link?.status).to.equal('pending');
        expect((await createMeeting(link!.linkId)).status).to.equal(404);
      });
    });
  });

  describe('DELETE /oauth/callback (uninstall)', () => {
    const uninstall = (auth: string | undefined, body: object) => {
      const pending = request(deployment.callback).delete('/oauth/callback');
      return (auth === undefined ? pending : pending.set('Authorization', auth)).send(body);
    };
    const body = { client_id: CLIENT_ID, company_id: COMPANY, user_id: USER, timestamp: '2026-11-24T10:00:00Z' };

    async function installed(): Promise<{ linkId: LinkId; meetingId: string }> {
      const scopes = [fake.token(), fake.me(), fake.register()];
      await callback('code=the-code');
      for (const scope of scopes) scope.done();
      const link = await linkOf();
      const meeting = await createMeeting(link!.linkId);
      return { linkId: link!.linkId, meetingId: meeting.body.data.meeting_id as string };
    }

    it('with the right credentials removes the link and its meetings; a second uninstall is fine too', async () => {
      const { linkId, meetingId } = await installed();
      const first = await uninstall(BASIC, body);
      expect(first.status).to.equal(200);
      expect(first.body).to.deep.equal({ success: true, data: { removed: true } });
      expect(await linkOf()).to.equal(undefined);
      const meeting = await deployment.meetings.findForLink(linkId, meetingId as never)();
      expect(E.isRight(meeting) && O.isNone(meeting.right)).to.equal(true);
      expect((await createMeeting(linkId)).status).to.equal(404);

      const second = await uninstall(BASIC, { ...body, company_id: String(COMPANY), user_id: String(USER), timestamp: 1795550000 });
      expect(second.status).to.equal(200);
      expect(second.body).to.deep.equal({ success: true, data: { removed: false } });
    });

    it('with wrong or missing credentials answers 401 and changes nothing', async () => {
      await installed();
      for (const auth of [undefined, `Basic ${Buffer.from(`${CLIENT_ID}:wrong`).toString('base64')}`]) {
        const response = await uninstall(auth, body);
        expect(response.status).to.equal(401);
        expect(response.body.error.code).to.equal('UNAUTHORIZED');
      }
      expect((await linkOf())?.status).to.equal('active');
    });

    it('refuses a body that does not name a user, and another app’s client id, with 400', async () => {
      await installed();
      const missing = await uninstall(BASIC, { client_id: CLIENT_ID, company_id: COMPANY, timestamp: 1 });
      expect(missing.status).to.equal(400);
      expect(missing.body.error.message).to.match(/^user_id: is required/);
      const otherApp = await uninstall(BASIC, { ...body, client_id: 'someone-else' });
      expect(otherApp.status).to.equal(400);
      expect(otherApp.body.error.message).to.match(/^client_id:/);
      const badId = await uninstall(BASIC, { ...body, company_id: 'acme' });
      expect(badId.status).to.equal(400);
      expect((await linkOf())?.status).to.equal('active');
    });
  });

  describe('a vendor that needs its own consent (GET /oauth/vendor/callback)', () => {
    let vendorDeployment: TestDeployment;
    beforeEach(async () => {
      vendorDeployment = await testDeployment({ ...ENV, VIDEO_VENDOR: 'oauth-test' }, { plugins: [oauthTestPlugin] });
    });
    afterEach(() => vendorDeployment.close());

    async function toVendor(): Promise<string> {
      const scopes = [fake.token(), fake.me()];
      const response = await request(vendorDeployment.callback).get('/oauth/callback?code=the-code');
      for (const scope of scopes) scope.done();
      expect(response.status).to.equal(302);
      const location = new URL(response.headers['location'] as string);
      expect(location.origin).to.equal(OAUTH_VENDOR_URL);
      expect(location.searchParams.get('redirect_uri')).to.equal('https://video.test/oauth/vendor/callback');
      return location.searchParams.get('state')!;
    }

    it('goes to the vendor before registering; its code becomes the vendor grant; then registration activates', async () => {
      const state = await toVendor();
      const pending = await vendorDeployment.links.findByPipedriveUser(COMPANY as PipedriveId, USER as PipedriveId)();
      expect(E.isRight(pending) && O.isSome(pending.right) && pending.right.value.status).to.equal('pending');
      const vendorToken = nock(OAUTH_VENDOR_URL)
        .post('/oauth/token', { grant_type: 'authorization_code', code: 'vendor-code', redirect_uri: 'https://video.test/oauth/vendor/callback' })
        .reply(200, { access_token: 'vendor-access', refresh_token: 'vendor-refresh', expires_in: 3600, user_id: 'zu-1' });
      const register = fake.register();
      const response = await request(vendorDeployment.callback).get(
        `/oauth/vendor/callback?code=vendor-code&state=${encodeURIComponent(state)}`,
      );
      vendorToken.done();
      register.done();
      expect(response.status).to.equal(302);
      // Koa writes the bare origin with its root slash: the same address.
      expect(response.headers['location']).to.equal(`${API}/`);
      const link = await vendorDeployment.links.findByPipedriveUser(COMPANY as PipedriveId, USER as PipedriveId)();
      const stored = E.isRight(link) && O.isSome(link.right) ? link.right.value : undefined;
      expect(stored?.status).to.equal('active');
      expect(stored?.vendorGrant?.vendorUserId).to.equal('zu-1');
      expect(stored?.vendorGrant?.accessToken).not.to.contain('vendor-access');
    });

    it('requires the state: missing, forged or reused is 400 before any vendor exchange', async () => {
      const exchange = nock(OAUTH_VENDOR_URL).post('/oauth/token').reply(500);
      const missing = await request(vendorDeployment.callback).get('/oauth/vendor/callback?code=vendor-code');
      expect(missing.status).to.equal(400);
      const forged = await request(vendorDeployment.callback).get('/oauth/vendor/callback?code=vendor-code&state=abc.def.ghi');
      expect(forged.status).to.equal(400);
      expect(exchange.isDone()).to.equal(false);
      nock.cleanAll();

      const state = await toVendor();
      nock(OAUTH_VENDOR_URL).post('/oauth/token').reply(200, { access_token: 'a', refresh_token: 'r', expires_in: 3600, user_id: 'u' });
      fake.register();
      const first = await request(vendorDeployment.callback).get(`/oauth/vendor/callback?code=c&state=${encodeURIComponent(state)}`);
      expect(first.status).to.equal(302);
      const reused = await request(vendorDeployment.callback).get(`/oauth/vendor/callback?code=c&state=${encodeURIComponent(state)}`);
      expect(reused.status).to.equal(400);
      expect(reused.text).to.contain('reused');
    });

    it('a denial at the vendor answers a page and leaves the link unusable', async () => {
      const state = await toVendor();
      const response = await request(vendorDeployment.callback).get(
        `/oauth/vendor/callback?error=access_denied&state=${encodeURIComponent(state)}`,
      );
      expect(response.status).to.equal(200);
      expect(response.text).to.contain('at OAuth Test Video');
      const link = await vendorDeployment.links.findByPipedriveUser(COMPANY as PipedriveId, USER as PipedriveId)();
      expect(E.isRight(link) && O.isSome(link.right) && link.right.value.status).to.equal('pending');
    });

    it('a vendor failing the exchange answers 502 and activates nothing', async () => {
      const state = await toVendor();
      nock(OAUTH_VENDOR_URL).post('/oauth/token').reply(503);
      const response = await request(vendorDeployment.callback).get(`/oauth/vendor/callback?code=c&state=${encodeURIComponent(state)}`);
      expect(response.status).to.equal(502);
      const link = await vendorDeployment.links.findByPipedriveUser(COMPANY as PipedriveId, USER as PipedriveId)();
      expect(E.isRight(link) && O.isSome(link.right) && link.right.value.status).to.equal('pending');
    });

    it('uninstall revokes the grant at the vendor', async () => {
      const state = await toVendor();
      nock(OAUTH_VENDOR_URL).post('/oauth/token').reply(200, { access_token: 'vendor-access', refresh_token: 'vendor-refresh', expires_in: 3600, user_id: 'u' });
      fake.register();
      await request(vendorDeployment.callback).get(`/oauth/vendor/callback?code=c&state=${encodeURIComponent(state)}`);
      const revoke = nock(OAUTH_VENDOR_URL).post('/oauth/revoke', { token: 'vendor-access' }).reply(200);
      const response = await request(vendorDeployment.callback)
        .delete('/oauth/callback')
        .set('Authorization', BASIC)
        .send({ client_id: CLIENT_ID, company_id: COMPANY, user_id: USER, timestamp: 1795550000 });
      revoke.done();
      expect(response.body).to.deep.equal({ success: true, data: { removed: true } });
    });
  });
});
