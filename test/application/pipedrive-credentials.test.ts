import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import nock from 'nock';

import { DisconnectLink } from '../../src/application/install/disconnect-link.js';
import { PipedriveCredentials } from '../../src/application/install/pipedrive-credentials.js';
import { PipedriveApi } from '../../src/application/ports/pipedrive-api.js';
import { TokenCipher } from '../../src/application/ports/token-cipher.js';
import type { LinkId, PipedriveId, VendorId } from '../../src/domain/ids.js';
import { newPendingLink, type PipedriveGrant } from '../../src/domain/link.js';
import { testMongoUri } from '../support/mongo.js';
import { testDeployment, type TestDeployment } from '../support/service.js';

const OAUTH = 'https://oauth.pipedrive.test';
const API = 'https://acme.pipedrive.test';

/** Stores an installed, active link whose access token expires at `expiresAt`. */
async function installedLink(deployment: TestDeployment, expiresAt: Date, userId = 9): Promise<LinkId> {
  const cipher = deployment.container.get<TokenCipher>(TokenCipher);
  const seal = async (text: string) => {
    const sealed = await cipher.seal(text)();
    if (E.isLeft(sealed)) throw new Error('seal failed');
    return sealed.right;
  };
  const grant: PipedriveGrant = {
    apiDomain: API,
    accessToken: await seal('v1u:access-one'),
    refreshToken: await seal('v1u:refresh-one'),
    expiresAt,
  };
  const now = new Date();
  const saved = await deployment.links.saveInstall(
    newPendingLink({
      linkId: crypto.randomUUID() as LinkId,
      companyId: 3 as PipedriveId,
      userId: userId as PipedriveId,
      vendor: 'stub' as VendorId,
      now,
    }),
    grant,
    now,
  )();
  if (E.isLeft(saved)) throw new Error(saved.left.message);
  await deployment.links.setStatus(saved.right.linkId, 'active', now)();
  return saved.right.linkId;
}

const refreshAnswer = { access_token: 'v1u:access-two', refresh_token: 'v1u:refresh-two', expires_in: 3599, api_domain: API, token_type: 'bearer' };

function refreshOnce(): nock.Scope {
  return nock(OAUTH).post('/oauth/token', { grant_type: 'refresh_token', refresh_token: 'v1u:refresh-one' }).delay(200).reply(200, refreshAnswer);
}

describe('Pipedrive credentials: refresh ahead of expiry, once on 401, single-flight across processes', () => {
  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  after(() => nock.enableNetConnect());
  afterEach(() => nock.cleanAll());

  describe('on one instance', () => {
    let deployment: TestDeployment;
    let credentials: PipedriveCredentials;
    beforeEach(async () => {
      deployment = await testDeployment({ PIPEDRIVE_OAUTH_URL: OAUTH });
      credentials = deployment.container.get(PipedriveCredentials);
    });
    afterEach(() => deployment.close());

    it('uses the stored token while it is fresh, without calling Pipedrive', async () => {
      const linkId = await installedLink(deployment, new Date(Date.now() + 30 * 60_000));
      const access = await credentials.access(linkId)();
      expect(access).to.deep.equal(E.right({ apiDomain: API, accessToken: 'v1u:access-one' }));
    });

    it('refreshes ahead of expiry and stores the refresh token that came back', async () => {
      const linkId = await installedLink(deployment, new Date(Date.now() + 2 * 60_000));
      const scope = refreshOnce();
      const access = await credentials.access(linkId)();
      scope.done();
      expect(access).to.deep.equal(E.right({ apiDomain: API, accessToken: 'v1u:access-two' }));
      const stored = await deployment.links.findById(linkId)();
      const grant = E.isRight(stored) && O.isSome(stored.right) ? stored.right.value.pipedrive : undefined;
      const cipher = deployment.container.get<TokenCipher>(TokenCipher);
      expect(await cipher.open(grant!.refreshToken)()).to.deep.equal(E.right('v1u:refresh-two'));
      expect(grant!.expiresAt.getTime()).to.be.greaterThan(Date.now() + 50 * 60_000);
      expect(stored._tag === 'Right' && O.isSome(stored.right) && stored.right.value.leases?.pipedrive).to.equal(undefined);
    });

    it('refreshes once on a 401 and repeats the call with the new token', async () => {
      const linkId = await installedLink(deployment, new Date(Date.now() + 30 * 60_000));
      const api = deployment.container.get<PipedriveApi>(PipedriveApi);
      const scopes = [
        nock(API, { reqheaders: { authorization: 'Bearer v1u:access-one' } }).get('/api/v1/users/me').reply(401, { success: false, error: 'unauthorized access' }),
        refreshOnce(),
        nock(API, { reqheaders: { authorization: 'Bearer v1u:access-two' } }).get('/api/v1/users/me').reply(200, { success: true, data: { id: 9, company_id: 3 } }),
      ];
      const user = await credentials.withAccess(linkId, (access) => api.currentUser(access.apiDomain, access.accessToken))();
      for (const scope of scopes) scope.done();
      expect(E.isRight(user) && user.right).to.deep.equal({ userId: 9, companyId: 3 });
    });

    it('gives up after one refresh when Pipedrive keeps answering 401', async () => {
      const linkId = await installedLink(deployment, new Date(Date.now() + 30 * 60_000));
      const api = deployment.container.get<PipedriveApi>(PipedriveApi);
      const scopes = [nock(API).get('/api/v1/users/me').times(2).reply(401, { success: false }), refreshOnce()];
      const user = await credentials.withAccess(linkId, (access) => api.currentUser(access.apiDomain, access.accessToken))();
      for (const scope of scopes) scope.done();
      expect(E.isLeft(user) && user.left._tag).to.equal('PipedriveUnauthorized');
    });

    it('on invalid_grant flags the link for re-authorization and does not try again', async () => {
      const linkId = await installedLink(deployment, new Date(Date.now() - 60_000));
      const scope = nock(OAUTH).post('/oauth/token').reply(400, { error: 'invalid_grant', error_description: 'Invalid grant: refresh_token is invalid' });
      const first = await credentials.access(linkId)();
      scope.done();
      expect(E.isLeft(first) && first.left._tag).to.equal('LinkNeedsReauthorization');
      const second = await credentials.access(linkId)();
      expect(E.isLeft(second) && second.left._tag).to.equal('LinkNeedsReauthorization');
      const stored = await deployment.links.findById(linkId)();
      expect(E.isRight(stored) && O.isSome(stored.right) && stored.right.value.status).to.equal('needs_reauth');
    });

    it('frees the lease when the refresh fails, so the next caller can try', async () => {
      const linkId = await installedLink(deployment, new Date(Date.now() - 60_000));
      nock(OAUTH).post('/oauth/token').reply(503);
      const failed = await credentials.access(linkId)();
      expect(E.isLeft(failed) && failed.left._tag).to.equal('PipedriveUnavailable');
      const scope = refreshOnce();
      const retried = await credentials.access(linkId)();
      scope.done();
      expect(E.isRight(retried)).to.equal(true);
    });
  });

  describe('two instances sharing one MongoDB database, over the wire', function () {
    this.timeout(20_000);
    let a: TestDeployment;
    let b: TestDeployment;
    before(async () => {
      const uri = await testMongoUri();
      const env = { PIPEDRIVE_OAUTH_URL: OAUTH, MONGODB_URI: uri, MONGODB_DB: `refresh_${process.pid}_${Date.now()}` };
      a = await testDeployment(env);
      b = await testDeployment(env);
      for (const deployment of [a, b]) {
        for (let i = 0; i < 100 && !deployment.store.indexesReady(); i += 1) await new Promise((r) => setTimeout(r, 50));
      }
    });
    after(async () => {
      await a.store.db?.dropDatabase();
      await a.close();
      await b.close();
    });

    it('twenty concurrent calls with an expired token, ten on each instance, make exactly one refresh', async () => {
      const linkId = await installedLink(a, new Date(Date.now() - 60_000), 21);
      const scope = refreshOnce();
      const calls = [a, b].flatMap((deployment) =>
        Array.from({ length: 10 }, () => deployment.container.get(PipedriveCredentials).access(linkId)()),
      );
      const results = await Promise.all(calls);
      scope.done();
      for (const result of results) {
        expect(result).to.deep.equal(E.right({ apiDomain: API, accessToken: 'v1u:access-two' }));
      }
      expect(nock.pendingMocks()).to.deep.equal([]);
    });
  });
});

describe('disconnecting a link from our side', () => {
  let deployment: TestDeployment;
  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  after(() => nock.enableNetConnect());
  beforeEach(async () => {
    deployment = await testDeployment({ PIPEDRIVE_OAUTH_URL: OAUTH });
  });
  afterEach(async () => {
    nock.cleanAll();
    await deployment.close();
  });

  it('removes the userProviderLink at Pipedrive with the link’s token, then drops every grant', async () => {
    const linkId = await installedLink(deployment, new Date(Date.now() + 30 * 60_000));
    const unregister = nock(API, { reqheaders: { authorization: 'Bearer v1u:access-one' } })
      .delete(`/api/v1/meetings/userProviderLinks/${linkId}`)
      .reply(200, { success: true, data: { message: 'The user data was successfully removed' } });
    const result = await deployment.container.get(DisconnectLink).execute(linkId, 'vendor revoked access')();
    unregister.done();
    const link = E.isRight(result) && O.isSome(result.right) ? result.right.value : undefined;
    expect(link?.status).to.equal('needs_reauth');
    expect(link?.pipedrive).to.equal(undefined);
    expect(link?.vendorGrant).to.equal(undefined);
  });

  it('still drops the grants when Pipedrive cannot be reached', async () => {
    const linkId = await installedLink(deployment, new Date(Date.now() + 30 * 60_000));
    const unregister = nock(API).delete(`/api/v1/meetings/userProviderLinks/${linkId}`).reply(503);
    const result = await deployment.container.get(DisconnectLink).execute(linkId, 'vendor revoked access')();
    unregister.done();
    expect(E.isRight(result) && O.isSome(result.right) && result.right.value.pipedrive).to.equal(undefined);
  });
});
