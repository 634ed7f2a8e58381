import { expect } from 'chai';
import { BSON } from 'mongodb';
import nock from 'nock';
import request from 'supertest';

import { OAUTH_VENDOR_URL, oauthTestPlugin } from '../../support/oauth-test-vendor.js';
import { testMongoUri } from '../../support/mongo.js';
import { BASIC, CLIENT_ID, CLIENT_SECRET, testDeployment, type TestDeployment } from '../../support/service.js';

const OAUTH = 'https://oauth.pipedrive.test';
const API = 'https://acme.pipedrive.test';

/** Every secret the install handles, as Pipedrive and the vendor hand them over. */
const SECRETS = {
  pipedriveAccess: 'v1u:PIPEDRIVE-ACCESS-7d1f',
  pipedriveRefresh: 'v1u:PIPEDRIVE-REFRESH-9c2e',
  pipedriveCode: 'PIPEDRIVE-CODE-5a8b',
  vendorAccess: 'VENDOR-ACCESS-3e4f',
  vendorRefresh: 'VENDOR-REFRESH-1b6d',
  vendorCode: 'VENDOR-CODE-8f0a',
  clientSecret: CLIENT_SECRET,
};

describe('secrets at rest and in logs, after a whole install on MongoDB', function () {
  this.timeout(20_000);
  let deployment: TestDeployment;
  const logLines: string[] = [];

  before(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    deployment = await testDeployment(
      {
        PIPEDRIVE_OAUTH_URL: OAUTH,
        VIDEO_VENDOR: 'oauth-test',
        MONGODB_URI: await testMongoUri(),
        MONGODB_DB: `secrets_${process.pid}_${Date.now()}`,
      },
      { plugins: [oauthTestPlugin], logLines },
    );
  });
  after(async () => {
    nock.cleanAll();
    nock.enableNetConnect();
    await deployment.store.db?.dropDatabase();
    await deployment.close();
  });

  it('stores no token, code or secret in plaintext, and logs none', async () => {
    nock(OAUTH).post('/oauth/token').reply(200, {
      access_token: SECRETS.pipedriveAccess,
      refresh_token: SECRETS.pipedriveRefresh,
      expires_in: 3599,
      api_domain: API,
    });
    nock(API).get('/api/v1/users/me').reply(200, { success: true, data: { id: 5, company_id: 6 } });
    const toVendor = await request(deployment.callback).get(`/oauth/callback?code=${SECRETS.pipedriveCode}`);
    const state = new URL(toVendor.headers['location'] as string).searchParams.get('state')!;
    nock(OAUTH_VENDOR_URL).post('/oauth/token').reply(200, {
      access_token: SECRETS.vendorAccess,
      refresh_token: SECRETS.vendorRefresh,
      expires_in: 3600,
      user_id: 'vendor-user',
    });
    nock(API).post('/api/v1/meetings/userProviderLinks').reply(200, { success: true, data: {} });
    const done = await request(deployment.callback).get(
      `/oauth/vendor/callback?code=${SECRETS.vendorCode}&state=${encodeURIComponent(state)}`,
    );
    expect(done.status).to.equal(302);
    expect(nock.pendingMocks()).to.deep.equal([]);

    // A wrong-secret call and a meeting, so the log has seen every kind of request.
    await request(deployment.callback).post('/api/v1/links/x/meetings').set('Authorization', `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}x`).toString('base64')}`).send({});
    await request(deployment.callback).get('/healthz').set('Authorization', BASIC);

    const db = deployment.store.db!;
    const collections = await db.listCollections().toArray();
    expect(collections.map((c) => c.name)).to.include('links');
    let dumped = '';
    for (const { name } of collections) {
      const documents = await db.collection(name).find().toArray();
      dumped += BSON.EJSON.stringify(documents, { relaxed: false });
    }
    expect(dumped).to.contain('vendor-user');
    for (const [what, secret] of Object.entries(SECRETS)) {
      expect(dumped, `${what} stored in plaintext`).not.to.contain(secret);
      expect(dumped, `${what} stored in base64`).not.to.contain(Buffer.from(secret).toString('base64'));
    }

    const log = logLines.join('');
    expect(logLines.length).to.be.greaterThan(3);
    for (const [what, secret] of Object.entries(SECRETS)) {
      expect(log, `${what} in the log`).not.to.contain(secret);
    }
    expect(log).not.to.contain(BASIC.slice('Basic '.length));
  });
});
