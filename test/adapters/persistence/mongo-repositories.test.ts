import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';

import { expect } from 'chai';
import type * as E from 'fp-ts/lib/Either.js';
import type { Db, Document, Filter, FindOneAndUpdateOptions, UpdateFilter } from 'mongodb';

import { ensureMongoIndexes } from '../../../src/adapters/persistence/mongo/indexes.js';
import { MongoLinkRepository } from '../../../src/adapters/persistence/mongo/mongo-link-repository.js';
import { MongoMeetingRepository } from '../../../src/adapters/persistence/mongo/mongo-meeting-repository.js';
import { MongoUsedOAuthStates } from '../../../src/adapters/persistence/mongo/mongo-used-oauth-states.js';
import { connectMongo, type MongoConnection } from '../../../src/infrastructure/mongo-connection.js';
import { describeLinkRepositoryContract } from '../../contract/link-repository.contract.js';
import { describeMeetingRepositoryContract } from '../../contract/meeting-repository.contract.js';
import { describeUsedOAuthStatesContract } from '../../contract/used-oauth-states.contract.js';
import { describePendingCreatesContract } from '../../contract/pending-creates.contract.js';
import { describeCreateClaimsContract } from '../../contract/create-claims.contract.js';
import { MongoPendingCreates } from '../../../src/adapters/persistence/mongo/mongo-pending-creates.js';
import { MongoCreateClaims } from '../../../src/adapters/persistence/mongo/mongo-create-claims.js';
import type { PipedriveGrant, SealedSecret } from '../../../src/domain/link.js';
import { expectLeft, expectNone, expectRight, expectSome } from '../../support/either.js';
import { aLink, aMeeting, aPipedriveId, T1, T2 } from '../../support/fixtures.js';
import { mongoTarget, testMongoUri } from '../../support/mongo.js';

/** What the tests write behind the repositories' backs: our string ids, any other fields. */
interface RawDocument extends Document {
  _id: string;
}

const aGrant = (): PipedriveGrant => ({
  apiDomain: 'https://acme.pipedrive.com',
  accessToken: `sealed-access-${randomUUID()}` as SealedSecret,
  refreshToken: `sealed-refresh-${randomUUID()}` as SealedSecret,
  expiresAt: T2,
});

/** The error a task's promise rejected with; fails when it resolved instead. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  let value: unknown;
  try {
    value = await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(Error);
    return error as Error;
  }
  return expect.fail(`expected a rejection, got ${inspect(value)}`);
}

// Started while the suites are declared, so that their title can say what they run against. A
// failed start is kept for the first test to report, rather than aborting the whole mocha run.
const server = await testMongoUri().then(
  (uri) => ({ uri }),
  (error: unknown) => ({ error }),
);

describe(`Mongo repositories against ${mongoTarget()}`, () => {
  let connection: MongoConnection | undefined;

  const client = async (): Promise<MongoConnection['client']> => {
    if ('error' in server) throw server.error;
    connection ??= await connectMongo({ uri: server.uri, dbName: 'unused' });
    return connection.client;
  };

  /** A database of its own per test, so tests neither see nor wait for each other's documents. */
  const freshDb = async (): Promise<{ db: Db; cleanup(): Promise<void> }> => {
    const db = (await client()).db(`test_${randomUUID().replaceAll('-', '').slice(0, 24)}`);
    expectRight(await ensureMongoIndexes(db)());
    return {
      db,
      cleanup: async () => {
        await db.dropDatabase();
      },
    };
  };

  after(async () => {
    await connection?.close();
  });

  describeLinkRepositoryContract('MongoLinkRepository', async () => {
    const { db, cleanup } = await freshDb();
    return { repo: new MongoLinkRepository(db), cleanup };
  });

  describeMeetingRepositoryContract('MongoMeetingRepository', async () => {
    const { db, cleanup } = await freshDb();
    return { repo: new MongoMeetingRepository(db), cleanup };
  });

  describeUsedOAuthStatesContract('MongoUsedOAuthStates', async () => {
    const { db, cleanup } = await freshDb();
    return { states: new MongoUsedOAuthStates(db), cleanup };
  });

  describePendingCreatesContract('MongoPendingCreates', async () => {
    const { db, cleanup } = await freshDb();
    return { pending: new MongoPendingCreates(db), cleanup };
  });

  describeCreateClaimsContract('MongoCreateClaims', async () => {
    const { db, cleanup } = await freshDb();
    return { claims: new MongoCreateClaims(db), cleanup };
  });

  describe('Mongo only', () => {
    let db: Db;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ db, cleanup } = await freshDb());
    });

    afterEach(async () => {
      await cleanup();
    });

    const indexesOf = async (collection: string): Promise<Map<string, Document>> =>
      new Map((await db.collection(collection).listIndexes().toArray()).map((index) => [String(index['name']), index]));

    it('ensureMongoIndexes creates the named indexes, unique where a key must be', async () => {
      const links = await indexesOf('links');
      expect(links.get('links_company_user_unique')).to.deep.include({
        key: { companyId: 1, userId: 1 },
        unique: true,
      });

      const meetings = await indexesOf('meetings');
      expect(meetings.get('meetings_vendor_ref_unique')).to.deep.include({
        key: { vendor: 1, vendorRef: 1 },
        unique: true,
      });
      expect(links.get('links_vendor_user')).to.deep.include({ key: { vendor: 1, 'vendorGrant.vendorUserId': 1 } });
      expect(meetings.get('meetings_link')).to.deep.include({ key: { linkId: 1 } });
      expect(meetings.get('meetings_link')?.['unique']).not.to.equal(true);

      const states = await indexesOf('oauth_states');
      expect(states.get('oauth_states_expiry')).to.deep.include({ key: { expiresAt: 1 }, expireAfterSeconds: 0 });
    });

    it('ensureMongoIndexes may run again: nothing changes', async () => {
      const collections = ['links', 'meetings', 'oauth_states'];
      const before = await Promise.all(collections.map(async (name) => [...(await indexesOf(name)).keys()]));

      expectRight(await ensureMongoIndexes(db)());
      expectRight(await ensureMongoIndexes(db)());

      const after = await Promise.all(collections.map(async (name) => [...(await indexesOf(name)).keys()]));
      expect(after).to.deep.equal(before);
    });

    it('stores ids as strings, _id included, and dates as BSON dates', async () => {
      const link = aLink();
      const meeting = aMeeting({ linkId: link.linkId, vendorRef: '85746065432123456' });
      expectRight(await new MongoLinkRepository(db).insert(link)());
      expectRight(await new MongoMeetingRepository(db).insert(meeting)());

      const rawLink = await db.collection<RawDocument>('links').findOne({ _id: link.linkId });
      expect(rawLink).to.deep.include({ _id: link.linkId, linkId: link.linkId });
      expect(rawLink?.['createdAt']).to.be.instanceOf(Date);
      const rawMeeting = await db.collection('meetings').findOne({ meetingId: meeting.meetingId });
      expect(rawMeeting).to.deep.include({ _id: meeting.meetingId, vendorRef: '85746065432123456' });
      expect(rawMeeting).not.to.have.property('password');
      expect(rawMeeting).not.to.have.property('deletedAt');
    });

    it('stores sealed tokens as strings and grant dates as BSON dates, and leaves absent fields out', async () => {
      const repo = new MongoLinkRepository(db);
      const link = aLink({ status: 'pending' });
      expectRight(await repo.insert(link)());
      const grant = {
        apiDomain: 'https://acme.pipedrive.com',
        accessToken: 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..access' as SealedSecret,
        refreshToken: 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..refresh' as SealedSecret,
        expiresAt: T2,
      };
      expectRight(await repo.saveInstall(link, grant, T2)());
      expectSome(expectRight(await repo.setVendorGrant(link.linkId, { accessToken: grant.accessToken }, T2)()));
      expectSome(expectRight(await repo.acquireLease(link.linkId, 'vendor', 'worker-1', T1, T2)()));

      const raw = await db.collection<RawDocument>('links').findOne({ _id: link.linkId });

      expect(raw?.['pipedrive']).to.deep.equal(grant);
      expect(raw?.['pipedrive']?.expiresAt).to.be.instanceOf(Date);
      expect(raw?.['vendorGrant']).to.deep.equal({ accessToken: grant.accessToken });
      expect(raw?.['leases']).to.deep.equal({ vendor: { holder: 'worker-1', until: T2 } });
      expect(raw?.['leases']?.vendor?.until).to.be.instanceOf(Date);

      expectRight(await repo.releaseLease(link.linkId, 'vendor', 'worker-1')());
      const released = expectSome(expectRight(await repo.findById(link.linkId)()));
      expect(released).not.to.have.property('leases');
    });

    it('stores a used OAuth state as its id and a BSON date, for the TTL index', async () => {
      const expiresAt = new Date(Date.now() + 600_000);
      expectRight(await new MongoUsedOAuthStates(db).consume('state-id-1', expiresAt)());

      const raw = await db.collection<RawDocument>('oauth_states').findOne({ _id: 'state-id-1' });

      expect(raw).to.deep.equal({ _id: 'state-id-1', expiresAt });
    });

    /**
     * A repository whose links collection lets `meanwhile` run just before saveInstall's upsert:
     * what another instance may do between the two writes, made to happen every time.
     */
    const racedRepo = (meanwhile: () => Promise<unknown>): MongoLinkRepository => {
      const links = db.collection('links');
      let raced = false;
      const collection = new Proxy(links, {
        get(target, property) {
          if (property === 'findOneAndUpdate') {
            return async (filter: Filter<Document>, update: UpdateFilter<Document>, options: FindOneAndUpdateOptions) => {
              if (!raced && options.upsert === true) {
                raced = true;
                await meanwhile();
              }
              return target.findOneAndUpdate(filter, update, options);
            };
          }
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
      return new MongoLinkRepository(
        new Proxy(db, {
          get: (target, property) =>
            property === 'collection' ? () => collection : (Reflect.get(target, property, target) as unknown),
        }),
      );
    };

    it('saveInstall finds the link another instance inserted as active between its two writes', async () => {
      const candidate = aLink({ status: 'pending' });
      const theirs = aLink({ companyId: candidate.companyId, userId: candidate.userId, status: 'active' });
      const grant = aGrant();
      const repo = racedRepo(() => new MongoLinkRepository(db).insert(theirs)());

      const saved = expectRight(await repo.saveInstall(candidate, grant, T2)());

      const expected = { ...theirs, pipedrive: grant, updatedAt: T2 };
      expect(saved).to.deep.equal(expected);
      expect(expectSome(expectRight(await repo.findById(theirs.linkId)()))).to.deep.equal(expected);
      expectNone(expectRight(await repo.findById(candidate.linkId)()));
    });

    it('saveInstall keeps a link active that another instance activated between its two writes', async () => {
      const link = aLink({ status: 'pending' });
      expectRight(await new MongoLinkRepository(db).insert(link)());
      const grant = aGrant();
      const repo = racedRepo(() => new MongoLinkRepository(db).setStatus(link.linkId, 'active', T1)());

      const saved = expectRight(await repo.saveInstall(aLink({ companyId: link.companyId, userId: link.userId }), grant, T2)());

      expect(saved).to.deep.equal({ ...link, status: 'active', pipedrive: grant, updatedAt: T2 });
    });

    it("saveInstall throws, as a defect, when the candidate's id is another user's link", async () => {
      const other = aLink();
      const repo = new MongoLinkRepository(db);
      expectRight(await repo.insert(other)());

      const error = await rejectionOf(repo.saveInstall(aLink({ linkId: other.linkId }), aGrant(), T2)());

      expect(error.message).to.contain('links').and.to.contain(other.linkId);
      expect(expectSome(expectRight(await repo.findById(other.linkId)()))).to.deep.equal(other);
    });

    it('throws, naming the field, when a stored grant holds null or a token that is not a string', async () => {
      const link = aLink();
      const stored = {
        _id: link.linkId,
        linkId: link.linkId,
        companyId: link.companyId,
        userId: link.userId,
        vendor: link.vendor,
        status: link.status,
        createdAt: link.createdAt,
        updatedAt: link.updatedAt,
      };
      const other = aLink();
      await db.collection<RawDocument>('links').insertMany([
        { ...stored, vendorGrant: null },
        {
          ...stored,
          _id: other.linkId,
          linkId: other.linkId,
          userId: other.userId,
          pipedrive: { ...aGrant(), refreshToken: 987_654_321 },
        },
      ]);
      const repo = new MongoLinkRepository(db);

      const nullGrant = await rejectionOf(repo.findById(link.linkId)());
      expect(nullGrant.message).to.contain(link.linkId).and.to.contain('vendorGrant').and.to.contain('null');
      const badToken = await rejectionOf(repo.findById(other.linkId)());
      expect(badToken.message)
        .to.contain('pipedrive.refreshToken')
        .and.to.contain('got number')
        .and.not.to.contain('987654321');
    });

    it('refuses a second meeting with the same vendor reference as a defect, not as a store failure', async () => {
      const repo = new MongoMeetingRepository(db);
      const first = aMeeting();
      expectRight(await repo.insert(first)());

      const error = await rejectionOf(repo.insert(aMeeting({ vendor: first.vendor, vendorRef: first.vendorRef }))());

      expect(error.message).to.contain('meetings');
    });

    it('throws, naming the collection, the id and the field, when a stored link does not decode', async () => {
      const link = aLink();
      await db.collection<RawDocument>('links').insertOne({
        _id: link.linkId,
        linkId: link.linkId,
        companyId: 'forty-two',
        userId: link.userId,
        vendor: link.vendor,
        status: link.status,
        createdAt: link.createdAt,
        updatedAt: link.updatedAt,
      });
      const repo = new MongoLinkRepository(db);

      for (const task of [repo.findById(link.linkId), repo.setStatus(link.linkId, 'active', link.updatedAt)]) {
        const error = await rejectionOf(task());
        expect(error.message).to.contain('links').and.to.contain(link.linkId).and.to.contain('companyId');
      }
    });

    it('throws, naming the collection, the id and the path, when a stored meeting does not decode', async () => {
      const meeting = aMeeting();
      await db.collection<RawDocument>('meetings').insertOne({
        _id: meeting.meetingId,
        meetingId: meeting.meetingId,
        linkId: meeting.linkId,
        vendor: meeting.vendor,
        vendorRef: meeting.vendorRef,
        details: { ...meeting.details, start: '2026-04-01 09:30' },
        joinUrl: meeting.joinUrl,
        password: null,
        invitation: meeting.invitation,
        status: meeting.status,
        createdAt: meeting.createdAt,
        updatedAt: meeting.updatedAt,
      });
      const repo = new MongoMeetingRepository(db);

      const reads = [
        repo.findForLink(meeting.linkId, meeting.meetingId),
        repo.findByVendorRef(meeting.vendor, meeting.vendorRef),
      ];
      for (const task of reads) {
        const error = await rejectionOf(task());
        expect(error.message)
          .to.contain('meetings')
          .and.to.contain(meeting.meetingId)
          .and.to.contain('details.start')
          .and.to.contain('password');
      }
    });

    it('throws when _id and the id field of a stored link disagree', async () => {
      const link = aLink();
      const other = aLink();
      await db.collection<RawDocument>('links').insertOne({
        _id: link.linkId,
        linkId: other.linkId,
        companyId: link.companyId,
        userId: link.userId,
        vendor: link.vendor,
        status: link.status,
        createdAt: link.createdAt,
        updatedAt: link.updatedAt,
      });

      const error = await rejectionOf(new MongoLinkRepository(db).findById(link.linkId)());

      expect(error.message).to.contain('links').and.to.contain(link.linkId).and.to.contain('_id');
    });
  });
});

describe('Mongo repositories when the store is unreachable', () => {
  const password = 'hunter2-do-not-log';
  let connection: MongoConnection;

  before(async () => {
    // Nothing listens on port 1; connectMongo must still resolve so that the service can start.
    connection = await connectMongo({
      uri: `mongodb://someone:${password}@127.0.0.1:1/?directConnection=true`,
      dbName: 'unreachable',
      serverSelectionTimeoutMS: 300,
    });
  });

  after(async () => {
    await connection.close();
  });

  const expectStoreUnavailable = (
    either: E.Either<{ readonly _tag: string; readonly message: string }, unknown>,
  ): void => {
    const error = expectLeft(either);
    expect(error._tag).to.equal('StoreUnavailable');
    expect(error.message).not.to.contain(password);
    expect(error.message).not.to.contain('mongodb://');
  };

  it('answers StoreUnavailable from every link repository method', async () => {
    const repo = new MongoLinkRepository(connection.db);
    const link = aLink();

    expectStoreUnavailable(await repo.ping()());
    expectStoreUnavailable(await repo.findById(link.linkId)());
    expectStoreUnavailable(await repo.findByPipedriveUser(link.companyId, aPipedriveId(7))());
    expectStoreUnavailable(await repo.findByVendorUserId(link.vendor, 'zoom-user')());
    expectStoreUnavailable(await repo.insert(link)());
    expectStoreUnavailable(await repo.setStatus(link.linkId, 'active', link.updatedAt)());
    expectStoreUnavailable(await repo.remove(link.linkId)());
    expectStoreUnavailable(await repo.saveInstall(link, aGrant(), link.updatedAt)());
    expectStoreUnavailable(await repo.setVendorGrant(link.linkId, undefined, link.updatedAt)());
    expectStoreUnavailable(await repo.dropGrants(link.linkId, 'removed', link.updatedAt)());
    expectStoreUnavailable(await repo.acquireLease(link.linkId, 'pipedrive', 'me', T1, T2)());
    expectStoreUnavailable(await repo.completeRefresh(link.linkId, 'me', { kind: 'pipedrive', grant: aGrant() }, T2)());
    expectStoreUnavailable(await repo.releaseLease(link.linkId, 'vendor', 'me')());
  });

  it('answers StoreUnavailable from the used OAuth states', async () => {
    expectStoreUnavailable(await new MongoUsedOAuthStates(connection.db).consume('state', new Date())());
  });

  it('answers StoreUnavailable from every meeting repository method', async () => {
    const repo = new MongoMeetingRepository(connection.db);
    const meeting = aMeeting();

    expectStoreUnavailable(await repo.insert(meeting)());
    expectStoreUnavailable(await repo.findForLink(meeting.linkId, meeting.meetingId)());
    expectStoreUnavailable(await repo.findByVendorRef(meeting.vendor, meeting.vendorRef)());
    expectStoreUnavailable(await repo.save(meeting)());
    expectStoreUnavailable(await repo.removeAllForLink(meeting.linkId)());
  });

  it('answers StoreUnavailable from ensureMongoIndexes', async () => {
    expectStoreUnavailable(await ensureMongoIndexes(connection.db)());
  });
});
