import { randomBytes } from 'node:crypto';

import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import nock from 'nock';
import request from 'supertest';

import { TokenCipher } from '../../src/application/ports/token-cipher.js';
import type { JoseTokenCipher } from '../../src/adapters/crypto/jose-token-cipher.js';
import type { LinkId, PipedriveId, VendorId } from '../../src/domain/ids.js';
import { type Link, newPendingLink, type SealedSecret } from '../../src/domain/link.js';
import { resealSecrets } from '../../src/adapters/persistence/mongo/reseal-secrets.js';
import { vendorPlugins } from '../../src/adapters/vendors/registry.js';
import { loadConfig } from '../../src/infrastructure/config.js';
import { resealCommand } from '../../src/infrastructure/reseal-command.js';
import { testMongoUri } from '../support/mongo.js';
import { OAUTH_VENDOR_URL, oauthTestPlugin } from '../support/oauth-test-vendor.js';
import { BASIC, CLIENT_ID, CLIENT_SECRET, testDeployment, type TestDeployment } from '../support/service.js';

/**
 * Rotating ENCRYPTION_KEY while instances keep serving, on one MongoDB, the way a rolling deploy
 * runs old and new instances side by side:
 *
 * 1. every instance gets the new key as ENCRYPTION_KEYS_NEXT (opens and verifies, never writes);
 * 2. every instance gets it as ENCRYPTION_KEY, the old one as ENCRYPTION_KEYS_PREVIOUS;
 * 3. `npm run keys:reseal` stores every secret again under the new key; the old key can go.
 *
 * Each step is shown to work with the previous step's instances still running, and the steps are
 * shown to be needed: an instance that skipped step 1 cannot read what step 2 writes, and without
 * step 3 an idle link's tokens would be lost with the old key.
 */

const key = (): string => randomBytes(32).toString('base64url');
const K1 = key();
const K2 = key();
const OAUTH = 'https://oauth.pipedrive.test';
const MEETING = { topic: 'Rotation', start_time: '2026-12-01 10:00', duration: 30 };

/** What each seeded secret opens to, to check that no rotation step changed one. */
const plaintexts = new Map<string, string>();

describe('encryption key rotation without downtime (instances side by side on one MongoDB)', function () {
  this.timeout(60_000);
  const db = `rotation_${process.pid}_${Date.now()}`;
  const deployments: TestDeployment[] = [];
  let mongoUri = '';

  const deploy = async (keys: Record<string, string>): Promise<TestDeployment> => {
    const deployment = await testDeployment(
      { VIDEO_VENDOR: 'oauth-test', PIPEDRIVE_OAUTH_URL: OAUTH, MONGODB_URI: mongoUri, MONGODB_DB: db, ...keys },
      { plugins: [oauthTestPlugin] },
    );
    for (let i = 0; i < 100 && !deployment.store.indexesReady(); i += 1) await new Promise((r) => setTimeout(r, 50));
    deployments.push(deployment);
    return deployment;
  };
  const cipherOf = (d: TestDeployment) => d.container.get<JoseTokenCipher>(TokenCipher);
  let activity = 0;
  // A new activity each time: an identical body inside the duplicate window would get the first
  // create's meeting without opening any token, and prove nothing about the keys.
  const create = (d: TestDeployment, linkId: string) =>
    request(d.callback)
      .post(`/api/v1/links/${linkId}/meetings`)
      .set('Authorization', BASIC)
      .send({ ...MEETING, topic: `${MEETING.topic} ${(activity += 1)}` });
  const stored = async (d: TestDeployment, linkId: LinkId): Promise<Link> => {
    const found = await d.links.findById(linkId)();
    if (E.isLeft(found) || O.isNone(found.right)) throw new Error('link not stored');
    return found.right.value;
  };
  const sealedOf = (link: Link): SealedSecret[] =>
    [link.pipedrive?.accessToken, link.pipedrive?.refreshToken, link.vendorGrant?.accessToken, link.vendorGrant?.refreshToken].filter(
      (s): s is SealedSecret => s !== undefined,
    );

  /** An installed link whose four secrets are sealed by `by`; its vendor token expires at `vendorExpiresAt`. */
  const installedLink = async (by: TestDeployment, vendorExpiresAt: Date): Promise<LinkId> => {
    const seal = async (label: string): Promise<SealedSecret> => {
      const plaintext = `${label}-${randomBytes(12).toString('base64url')}`;
      const sealed = await cipherOf(by).seal(plaintext)();
      if (E.isLeft(sealed)) throw new Error('seal failed');
      plaintexts.set(sealed.right, plaintext);
      return sealed.right;
    };
    const now = new Date();
    const saved = await by.links.saveInstall(
      newPendingLink({
        linkId: crypto.randomUUID() as LinkId,
        companyId: 7 as PipedriveId,
        userId: Math.floor(Math.random() * 1e9) as PipedriveId,
        vendor: 'oauth-test' as VendorId,
        now,
      }),
      { apiDomain: 'https://acme.pipedrive.test', accessToken: await seal('pd-access'), refreshToken: await seal('pd-refresh'), expiresAt: new Date(Date.now() + 3_600_000) },
      now,
    )();
    if (E.isLeft(saved)) throw new Error(saved.left.message);
    await by.links.setVendorGrant(
      saved.right.linkId,
      { accessToken: await seal('vendor-access'), refreshToken: await seal('vendor-refresh'), expiresAt: vendorExpiresAt, vendorUserId: 'vendor-user' },
      now,
    )();
    await by.links.setStatus(saved.right.linkId, 'active', now)();
    return saved.right.linkId;
  };

  /** The vendor's token endpoint, answering one refresh with a new pair. */
  const vendorRefresh = (): nock.Scope =>
    nock(OAUTH_VENDOR_URL)
      .post('/oauth/token', (body: Record<string, string>) => body['grant_type'] === 'refresh_token')
      .reply(200, { access_token: `vendor-access-${randomBytes(6).toString('hex')}`, refresh_token: `vendor-refresh-${randomBytes(6).toString('hex')}`, expires_in: 3600 });

  /** Whether `at` accepts a Pipedrive-install state issued by `from`: a state it accepts reaches the code exchange. */
  const acceptsStateOf = async (from: TestDeployment, at: TestDeployment): Promise<boolean> => {
    const started = await request(from.callback).get('/oauth/install');
    const state = new URL(started.headers['location'] as string).searchParams.get('state')!;
    const exchange = nock(OAUTH).post('/oauth/token').reply(400, { error: 'invalid_grant' });
    const finished = await request(at.callback).get(`/oauth/callback?code=c&state=${encodeURIComponent(state)}`);
    expect(finished.status).to.equal(400);
    const reached = exchange.isDone();
    nock.cleanAll();
    return reached;
  };

  before(async () => {
    mongoUri = await testMongoUri();
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterEach(() => nock.cleanAll());
  after(async () => {
    nock.enableNetConnect();
    await deployments[0]?.store.db?.dropDatabase();
    for (const deployment of deployments) await deployment.close();
  });

  it('goes from K1 to K2 in three steps, serving throughout, and each step is needed', async () => {
    // Before: K1 everywhere. A busy link, an idle one (never used again), one whose vendor token is due.
    const old = await deploy({ ENCRYPTION_KEY: K1 });
    const busy = await installedLink(old, new Date(Date.now() + 3_600_000));
    const idle = await installedLink(old, new Date(Date.now() + 3_600_000));
    const due = await installedLink(old, new Date(Date.now() - 1_000));

    // Step 1: K2 announced. These instances still seal and sign with K1 only.
    const announced = await deploy({ ENCRYPTION_KEY: K1, ENCRYPTION_KEYS_NEXT: K2 });
    expect((await create(announced, busy)).status).to.equal(201);
    expect(await acceptsStateOf(old, announced)).to.equal(true);
    expect(await acceptsStateOf(announced, old)).to.equal(true);

    // Step 2: K2 current, while step-1 instances still run. The due token is refreshed and stored under K2.
    const switched = await deploy({ ENCRYPTION_KEY: K2, ENCRYPTION_KEYS_PREVIOUS: K1 });
    const refresh = vendorRefresh();
    expect((await create(switched, due)).status).to.equal(201);
    refresh.done();
    const dueLink = await stored(switched, due);
    expect(cipherOf(switched).sealedWithCurrentKey(dueLink.vendorGrant!.accessToken), 'written under K2').to.equal(true);
    expect((await create(switched, busy)).status, 'reads what K1 sealed').to.equal(201);
    // A step-1 instance reads what a step-2 instance wrote, and each accepts the other's OAuth states.
    expect((await create(announced, due)).status).to.equal(201);
    expect(await acceptsStateOf(switched, announced)).to.equal(true);
    expect(await acceptsStateOf(announced, switched)).to.equal(true);

    // Why step 1: an instance that never heard of K2 cannot read that token nor verify that state.
    // It answers 409 for the call and leaves the link as it was: nothing is lost once it is replaced.
    const blind = await create(old, due);
    expect(blind.status).to.equal(409);
    expect((await stored(switched, due)).status).to.equal('active');
    expect(await acceptsStateOf(switched, old)).to.equal(false);

    // Why step 3: with K1 gone and nothing resealed, the idle link's secrets would be lost.
    const k2Only = await deploy({ ENCRYPTION_KEY: K2 });
    expect((await create(k2Only, idle)).status).to.equal(409);
    const lost = await cipherOf(k2Only).open((await stored(k2Only, idle)).pipedrive!.accessToken)();
    expect(E.isLeft(lost)).to.equal(true);

    // Step 3: reseal beside the running instances. Without K1 it cannot, and says so.
    const lines: string[] = [];
    const env = { VIDEO_VENDOR: 'stub', PIPEDRIVE_CLIENT_ID: CLIENT_ID, PIPEDRIVE_CLIENT_SECRET: CLIENT_SECRET, MONGODB_URI: mongoUri, MONGODB_DB: db };
    expect(await resealCommand({ ...env, ENCRYPTION_KEY: K2 }, (line) => lines.push(line))).to.equal(1);
    expect(lines.join('\n')).to.match(/pass 1: 2 already under ENCRYPTION_KEY, 0 resealed, 0 changed meanwhile by a running instance, 10 unreadable/);
    lines.length = 0;
    expect(await resealCommand({ ...env, ENCRYPTION_KEY: K2, ENCRYPTION_KEYS_PREVIOUS: K1 }, (line) => lines.push(line)), lines.join('\n')).to.equal(0);
    // busy and idle: 4 each; due: its Pipedrive pair (its vendor pair is already under K2).
    expect(lines[0]).to.equal('pass 1: 2 already under ENCRYPTION_KEY, 10 resealed, 0 changed meanwhile by a running instance, 0 unreadable');
    expect(lines.at(-1)).to.match(/ENCRYPTION_KEYS_PREVIOUS can be removed/);

    // After: K2 alone opens every stored secret, to the same plaintext as before, and serves every link.
    for (const linkId of [busy, idle, due]) {
      const link = await stored(k2Only, linkId);
      for (const sealed of sealedOf(link)) {
        expect(cipherOf(k2Only).sealedWithCurrentKey(sealed)).to.equal(true);
        const opened = await cipherOf(k2Only).open(sealed)();
        expect(E.isRight(opened)).to.equal(true);
      }
      expect((await create(k2Only, linkId)).status, `link ${linkId}`).to.equal(201);
    }
    const idleLink = await stored(k2Only, idle);
    const before = [...plaintexts.values()];
    for (const sealed of sealedOf(idleLink)) {
      const opened = await cipherOf(k2Only).open(sealed)();
      expect(before).to.include(E.isRight(opened) ? opened.right : 'unreadable');
    }

    // Running it again finds nothing to do.
    lines.length = 0;
    expect(await resealCommand({ ...env, ENCRYPTION_KEY: K2, ENCRYPTION_KEYS_PREVIOUS: K1 }, (line) => lines.push(line))).to.equal(0);
    expect(lines[0]).to.equal('pass 1: 12 already under ENCRYPTION_KEY, 0 resealed, 0 changed meanwhile by a running instance, 0 unreadable');
  });

  it('takes ENCRYPTION_KEYS_NEXT like ENCRYPTION_KEYS_PREVIOUS: keys that open, refused by name when malformed', () => {
    const load = (env: Record<string, string>) => loadConfig({ ENCRYPTION_KEY: K1, ...env }, vendorPlugins);
    const loaded = load({ ENCRYPTION_KEYS_NEXT: ` ${K2} `, ENCRYPTION_KEYS_PREVIOUS: K1 });
    expect(E.isRight(loaded) && loaded.right.previousEncryptionKeys.map((k) => Buffer.from(k).toString('base64url'))).to.deep.equal([K2, K1]);
    const refused = load({ ENCRYPTION_KEYS_NEXT: `${K2},short` });
    expect(E.isLeft(refused) && refused.left).to.deep.equal(['ENCRYPTION_KEYS_NEXT must each be 32 random bytes in base64url (43 characters); got 5 characters']);
  });

  it('reseals with a conditional write: a token refreshed meanwhile by a running instance is never overwritten', async () => {
    const running = await deploy({ ENCRYPTION_KEY: K2, ENCRYPTION_KEYS_PREVIOUS: K1 });
    const old = await deploy({ ENCRYPTION_KEY: K1 });
    const linkId = await installedLink(old, new Date(Date.now() + 3_600_000));
    const link = await stored(running, linkId);
    // What a refresh by a running instance does between the command's read and its write.
    const newer = await cipherOf(running).seal('refreshed-meanwhile')();
    if (E.isLeft(newer)) throw new Error('seal failed');
    const collection = running.store.db!.collection<{ _id: string }>('links');
    const racing = {
      sealedWithCurrentKey: (s: SealedSecret) => cipherOf(running).sealedWithCurrentKey(s),
      seal: (p: string) => cipherOf(running).seal(p),
      open: (s: SealedSecret) => async () => {
        if (s === link.vendorGrant!.accessToken) {
          await collection.updateOne({ _id: linkId }, { $set: { 'vendorGrant.accessToken': newer.right } });
        }
        return cipherOf(running).open(s)();
      },
    };
    const report = await resealSecrets(running.store.db!, racing);
    expect(report.changedMeanwhile).to.equal(1);
    const after = await stored(running, linkId);
    const opened = await cipherOf(running).open(after.vendorGrant!.accessToken)();
    expect(E.isRight(opened) && opened.right).to.equal('refreshed-meanwhile');
  });
});
