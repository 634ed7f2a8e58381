import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';

import { expect } from 'chai';
import type * as E from 'fp-ts/lib/Either.js';
import type { Db, Document } from 'mongodb';

import { ensureMongoIndexes } from '../../../src/adapters/persistence/mongo/indexes.js';
import { MongoLinkRepository } from '../../../src/adapters/persistence/mongo/mongo-link-repository.js';
import { MongoMeetingRepository } from '../../../src/adapters/persistence/mongo/mongo-meeting-repository.js';
import { connectMongo, type MongoConnection } from '../../../src/infrastructure/mongo-connection.js';
import { describeLinkRepositoryContract } from '../../contract/link-repository.contract.js';
import { describeMeetingRepositoryContract } from '../../contract/meeting-repository.contract.js';
import { expectLeft, expectRight } from '../../support/either.js';
import { aLink, aMeeting, aPipedriveId } from '../../support/fixtures.js';
import { mongoTarget, testMongoUri } from '../../support/mongo.js';

/** What the tests write behind the repositories' backs: our string ids, any other fields. */
interface RawDocument extends Document {
  _id: string;
}

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
      expect(meetings.get('meetings_link')).to.deep.include({ key: { linkId: 1 } });
      expect(meetings.get('meetings_link')?.['unique']).not.to.equal(true);
    });

    it('ensureMongoIndexes may run again: nothing changes', async () => {
      const before = { links: await indexesOf('links'), meetings: await indexesOf('meetings') };

      expectRight(await ensureMongoIndexes(db)());
      expectRight(await ensureMongoIndexes(db)());

      expect([...(await indexesOf('links')).keys()]).to.have.members([...before.links.keys()]);
      expect([...(await indexesOf('meetings')).keys()]).to.have.members([...before.meetings.keys()]);
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
    expectStoreUnavailable(await repo.insert(link)());
    expectStoreUnavailable(await repo.setStatus(link.linkId, 'active', link.updatedAt)());
    expectStoreUnavailable(await repo.remove(link.linkId)());
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
