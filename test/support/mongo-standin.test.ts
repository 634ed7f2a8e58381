/**
 * Proves that the MongoDB stand-in serves the OFFICIAL driver over the wire for everything
 * our repositories rely on. Runs against testMongoUri(): the shared stand-in, or a real
 * server when MONGODB_URI is set, so the same expectations hold on both.
 */
import { expect } from 'chai';
import {
  Binary,
  Long,
  MongoClient,
  MongoNetworkError,
  MongoServerError,
  MongoServerSelectionError,
  ObjectId,
  UUID,
  type CommandStartedEvent,
  type CommandSucceededEvent,
  type Db,
  type Document,
} from 'mongodb';

import { mongoTarget, testMongoUri } from './mongo.js';
import { startMongoStandin } from './mongo-standin.js';

const onRealServer = Boolean(process.env.MONGODB_URI?.trim());

async function rejectionOf(operation: Promise<unknown>): Promise<unknown> {
  try {
    await operation;
  } catch (error) {
    return error;
  }
  return expect.fail('expected the operation to be rejected');
}

function expectDuplicateKey(error: unknown, index: string): void {
  expect(error).to.be.instanceOf(MongoServerError);
  const serverError = error as MongoServerError;
  expect(serverError.code).to.equal(11000);
  expect(serverError.message).to.match(/^E11000 duplicate key error /);
  expect(serverError.message).to.contain(`index: ${index} `);
}

/**
 * How the driver reports a server that went away. Besides its own error classes, driver v7
 * lets a raw EPIPE escape when it wrote the request before noticing the closed socket (its
 * write path awaits 'drain' and rethrows socket errors unwrapped); a real mongod dying
 * produces the same race.
 */
function isConnectionFailure(error: unknown): boolean {
  if (error instanceof MongoServerSelectionError || error instanceof MongoNetworkError) return true;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ECONNRESET';
}

async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('MongoDB stand-in, driven by the official driver', function () {
  let client: MongoClient;
  let db: Db;
  const started: CommandStartedEvent[] = [];
  const succeeded: CommandSucceededEvent[] = [];

  before(async function () {
    this.timeout(30_000);
    const startedAt = Date.now();
    client = new MongoClient(await testMongoUri(), { monitorCommands: true });
    await client.connect();
    console.log(`      mongo target: ${mongoTarget()} (ready in ${Date.now() - startedAt} ms)`);
    client.on('commandStarted', (event) => started.push(event));
    client.on('commandSucceeded', (event) => succeeded.push(event));
    // Unique per run, so a shared real server never sees leftovers or concurrent runs.
    db = client.db(`standin_test_${process.pid}_${Date.now()}`);
  });

  after(async function () {
    await db?.dropDatabase();
    await client?.close();
  });

  it('connects and answers ping and buildInfo', async function () {
    expect(await db.command({ ping: 1 })).to.deep.include({ ok: 1 });
    const buildInfo = await client.db('admin').command({ buildInfo: 1 });
    expect(buildInfo.version).to.be.a('string').and.match(/^\d+\.\d+/);
  });

  it('rejects unknown commands with CommandNotFound (59)', async function () {
    const error = await rejectionOf(db.command({ definitelyNotACommand: 1 }));
    expect(error).to.be.instanceOf(MongoServerError);
    expect((error as MongoServerError).code).to.equal(59);
    expect((error as MongoServerError).codeName).to.equal('CommandNotFound');
  });

  it('inserts one and many, and finds with sort, limit and projection', async function () {
    const people = db.collection('people');
    const { insertedId } = await people.insertOne({ name: 'ada', rank: 3, team: 'a' });
    expect(insertedId).to.be.instanceOf(ObjectId);
    const many = await people.insertMany([
      { name: 'bob', rank: 1, team: 'b' },
      { name: 'cy', rank: 5, team: 'a' },
      { name: 'dee', rank: 4, team: 'b' },
    ]);
    expect(many.insertedCount).to.equal(3);

    const top = await people
      .find({}, { sort: { rank: -1 }, limit: 2, projection: { _id: 0, name: 1, rank: 1 } })
      .toArray();
    expect(top).to.deep.equal([
      { name: 'cy', rank: 5 },
      { name: 'dee', rank: 4 },
    ]);

    const teamA = await people.find({ team: 'a' }, { sort: { name: 1 }, skip: 1 }).toArray();
    expect(teamA.map((person) => person.name)).to.deep.equal(['cy']);

    const ada = await people.findOne({ _id: insertedId });
    expect(ada).to.deep.equal({ _id: insertedId, name: 'ada', rank: 3, team: 'a' });
    expect(Object.keys(ada ?? {})[0]).to.equal('_id');
  });

  it('pages a cursor bigger than its batch size with getMore, and kills abandoned cursors', async function () {
    const items = db.collection('items');
    await items.insertMany(Array.from({ length: 250 }, (_, i) => ({ i })));

    const all = await items.find({}, { sort: { i: 1 }, batchSize: 50 }).toArray();
    expect(all.map((item) => item.i)).to.deep.equal(Array.from({ length: 250 }, (_, i) => i));
    const getMores = started.filter(
      (event) => event.commandName === 'getMore' && event.command.collection === 'items',
    );
    expect(getMores.length).to.be.at.least(4);

    const cursor = items.find({}).batchSize(10);
    expect(await cursor.next()).to.have.property('i');
    const cursorId = cursor.id;
    await cursor.close();
    const killed = succeeded.find((event) => event.commandName === 'killCursors');
    expect(cursorId?.isZero()).to.equal(false);
    expect((killed?.reply as Document | undefined)?.cursorsKilled.map(String)).to.deep.equal([String(cursorId)]);
  });

  it('updates with $set, $setOnInsert and upsert', async function () {
    const accounts = db.collection<{ externalId: string; plan?: string; createdAt?: Date; seats?: number; tags?: string[] }>(
      'accounts',
    );
    const createdAt = new Date('2024-01-01T00:00:00.000Z');

    const inserted = await accounts.updateOne(
      { externalId: 'x-1' },
      { $set: { plan: 'free' }, $setOnInsert: { createdAt } },
      { upsert: true },
    );
    expect(inserted).to.deep.include({ matchedCount: 0, modifiedCount: 0, upsertedCount: 1 });
    expect(inserted.upsertedId).to.be.instanceOf(ObjectId);

    const updated = await accounts.updateOne(
      { externalId: 'x-1' },
      { $set: { plan: 'pro' }, $setOnInsert: { createdAt: new Date() } },
      { upsert: true },
    );
    expect(updated).to.deep.include({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0, upsertedId: null });

    const account = await accounts.findOne({ externalId: 'x-1' });
    expect(account).to.deep.equal({ _id: inserted.upsertedId, externalId: 'x-1', plan: 'pro', createdAt });

    const unchanged = await accounts.updateOne({ externalId: 'x-1' }, { $set: { plan: 'pro' } });
    expect(unchanged).to.deep.include({ matchedCount: 1, modifiedCount: 0 });

    await accounts.updateOne({ externalId: 'x-1' }, { $inc: { seats: 2 }, $push: { tags: 'vip' }, $unset: { plan: '' } });
    expect(await accounts.findOne({ externalId: 'x-1' }, { projection: { _id: 0, createdAt: 0 } })).to.deep.equal({
      externalId: 'x-1',
      seats: 2,
      tags: ['vip'],
    });
  });

  it('replaces whole documents, keeping _id, and upserts replacements', async function () {
    const settings = db.collection('settings');
    const { insertedId } = await settings.insertOne({ key: 'theme', value: 'dark', stale: true });

    const replaced = await settings.replaceOne({ key: 'theme' }, { key: 'theme', value: 'light' });
    expect(replaced).to.deep.include({ matchedCount: 1, modifiedCount: 1 });
    expect(await settings.findOne({ key: 'theme' })).to.deep.equal({ _id: insertedId, key: 'theme', value: 'light' });

    const upserted = await settings.replaceOne({ key: 'lang' }, { key: 'lang', value: 'et' }, { upsert: true });
    expect(upserted.upsertedCount).to.equal(1);
    expect(await settings.findOne({ key: 'lang' }, { projection: { _id: 0 } })).to.deep.equal({ key: 'lang', value: 'et' });
  });

  it('findOneAndUpdate returns the document before or after, upserts, and returns null on no match', async function () {
    const jobs = db.collection<{ _id: string; state: string; attempts?: number; owner?: string }>('jobs');
    await jobs.insertOne({ _id: 'job-1', state: 'queued', attempts: 0 });

    const after = await jobs.findOneAndUpdate(
      { _id: 'job-1', state: 'queued' },
      { $set: { state: 'running', owner: 'w1' }, $inc: { attempts: 1 } },
      { returnDocument: 'after' },
    );
    expect(after).to.deep.equal({ _id: 'job-1', state: 'running', attempts: 1, owner: 'w1' });

    const before = await jobs.findOneAndUpdate(
      { _id: 'job-1' },
      { $set: { state: 'done' } },
      { returnDocument: 'before', projection: { state: 1 } },
    );
    expect(before).to.deep.equal({ _id: 'job-1', state: 'running' });

    const conditionFails = await jobs.findOneAndUpdate(
      { _id: 'job-1', state: 'queued' },
      { $set: { state: 'running', owner: 'w2' } },
      { returnDocument: 'after' },
    );
    expect(conditionFails).to.equal(null);
    expect(await jobs.findOne({ _id: 'job-1' })).to.deep.include({ state: 'done', owner: 'w1' });

    const missingNoUpsert = await jobs.findOneAndUpdate({ _id: 'job-404' }, { $set: { state: 'x' } });
    expect(missingNoUpsert).to.equal(null);
    expect(await jobs.countDocuments({ _id: 'job-404' })).to.equal(0);

    const upsertedAfter = await jobs.findOneAndUpdate(
      { _id: 'job-2' },
      { $set: { state: 'queued' }, $setOnInsert: { attempts: 0 } },
      { upsert: true, returnDocument: 'after' },
    );
    expect(upsertedAfter).to.deep.equal({ _id: 'job-2', state: 'queued', attempts: 0 });

    const upsertedBefore = await jobs.findOneAndUpdate(
      { _id: 'job-3' },
      { $set: { state: 'queued' } },
      { upsert: true, returnDocument: 'before', includeResultMetadata: true },
    );
    expect(upsertedBefore.value).to.equal(null);
    expect(upsertedBefore.lastErrorObject).to.deep.equal({ n: 1, updatedExisting: false, upserted: 'job-3' });
    expect(await jobs.findOne({ _id: 'job-3' })).to.deep.equal({ _id: 'job-3', state: 'queued' });

    const sorted = await jobs.findOneAndUpdate(
      { state: 'queued' },
      { $set: { owner: 'w3' } },
      { sort: { _id: -1 }, returnDocument: 'after' },
    );
    expect(sorted?._id).to.equal('job-3');
  });

  it('deletes one and many', async function () {
    const events = db.collection('events');
    await events.insertMany([{ kind: 'a' }, { kind: 'a' }, { kind: 'a' }, { kind: 'b' }]);

    expect((await events.deleteOne({ kind: 'a' })).deletedCount).to.equal(1);
    expect((await events.deleteMany({ kind: 'a' })).deletedCount).to.equal(2);
    expect((await events.deleteOne({ kind: 'zzz' })).deletedCount).to.equal(0);
    expect(await events.find({}, { projection: { _id: 0 } }).toArray()).to.deep.equal([{ kind: 'b' }]);
  });

  it('counts documents with filters, skip and limit', async function () {
    const numbers = db.collection('numbers');
    await numbers.insertMany(Array.from({ length: 10 }, (_, i) => ({ i, even: i % 2 === 0 })));

    expect(await numbers.countDocuments()).to.equal(10);
    expect(await numbers.countDocuments({ even: true })).to.equal(5);
    expect(await numbers.countDocuments({ i: { $gte: 3 } }, { skip: 2, limit: 3 })).to.equal(3);
    expect(await numbers.countDocuments({ i: { $gt: 100 } })).to.equal(0);
    expect(await numbers.estimatedDocumentCount()).to.equal(10);
  });

  it('aggregates with $match, $group, $sort and $project, and answers distinct', async function () {
    const orders = db.collection('orders');
    await orders.insertMany([
      { customer: 'a', total: 10 },
      { customer: 'b', total: 5 },
      { customer: 'a', total: 7 },
      { customer: 'c', total: 1 },
    ]);

    const totals = await orders
      .aggregate([
        { $match: { total: { $gte: 5 } } },
        { $group: { _id: '$customer', sum: { $sum: '$total' }, orders: { $sum: 1 } } },
        { $sort: { sum: -1 } },
        { $project: { _id: 0, customer: '$_id', sum: 1, orders: 1 } },
      ])
      .toArray();
    expect(totals).to.deep.equal([
      { customer: 'a', sum: 17, orders: 2 },
      { customer: 'b', sum: 5, orders: 1 },
    ]);
    expect(await orders.aggregate([{ $match: { customer: 'a' } }, { $count: 'n' }]).toArray()).to.deep.equal([{ n: 2 }]);
    expect((await orders.distinct('customer')).sort()).to.deep.equal(['a', 'b', 'c']);
  });

  it('enforces unique indexes with E11000 on insert, update and upsert', async function () {
    const users = db.collection('users');
    expect(await users.createIndex({ email: 1 }, { unique: true })).to.equal('email_1');
    // Creating the same index again is a no-op, as repositories do on every start.
    expect(await users.createIndex({ email: 1 }, { unique: true })).to.equal('email_1');
    const indexes = await users.indexes();
    expect(indexes.map(({ name, key, unique }) => ({ name, key, unique: unique ?? false }))).to.deep.equal([
      { name: '_id_', key: { _id: 1 }, unique: false },
      { name: 'email_1', key: { email: 1 }, unique: true },
    ]);

    await users.insertMany([{ email: 'a@x.io' }, { email: 'b@x.io' }]);
    const onInsert = await rejectionOf(users.insertOne({ email: 'a@x.io' }));
    expectDuplicateKey(onInsert, 'email_1');
    expect((onInsert as MongoServerError).keyValue).to.deep.equal({ email: 'a@x.io' });

    expectDuplicateKey(await rejectionOf(users.updateOne({ email: 'b@x.io' }, { $set: { email: 'a@x.io' } })), 'email_1');
    expect(await users.countDocuments({ email: 'b@x.io' })).to.equal(1);

    const onUpsert = await rejectionOf(users.updateOne({ name: 'new' }, { $set: { email: 'a@x.io' } }, { upsert: true }));
    expectDuplicateKey(onUpsert, 'email_1');
    expectDuplicateKey(
      await rejectionOf(users.findOneAndUpdate({ email: 'b@x.io' }, { $set: { email: 'a@x.io' } })),
      'email_1',
    );
    expect(await users.countDocuments()).to.equal(2);

    const existing = await users.findOne({ email: 'a@x.io' });
    if (!existing) return expect.fail('the first user should exist');
    expectDuplicateKey(await rejectionOf(users.insertOne({ _id: existing._id, email: 'c@x.io' })), '_id_');
  });

  it('enforces compound unique indexes per key combination', async function () {
    const memberships = db.collection('memberships');
    await memberships.createIndex({ tenant: 1, user: 1 }, { unique: true, name: 'tenant_user' });

    await memberships.insertMany([
      { tenant: 't1', user: 'u1' },
      { tenant: 't1', user: 'u2' },
      { tenant: 't2', user: 'u1' },
    ]);
    expectDuplicateKey(await rejectionOf(memberships.insertOne({ tenant: 't1', user: 'u1' })), 'tenant_user');
    expectDuplicateKey(
      await rejectionOf(memberships.updateOne({ tenant: 't2', user: 'u1' }, { $set: { tenant: 't1' } })),
      'tenant_user',
    );
    expect(await memberships.countDocuments()).to.equal(3);
  });

  it('lets a partial unique index ignore documents outside its filter', async function () {
    const sessions = db.collection('sessions');
    await sessions.createIndex({ token: 1 }, { unique: true, partialFilterExpression: { active: true } });

    await sessions.insertMany([
      { token: 't', active: false },
      { token: 't', active: false },
      { token: 't', active: true },
    ]);
    expectDuplicateKey(await rejectionOf(sessions.insertOne({ token: 't', active: true })), 'token_1');
    expectDuplicateKey(
      await rejectionOf(sessions.updateOne({ token: 't', active: false }, { $set: { active: true } })),
      'token_1',
    );
    expect(await sessions.countDocuments({ token: 't' })).to.equal(3);
  });

  it('expires documents through a TTL index', async function () {
    // mongod's TTL monitor runs every 60 s; the stand-in sweeps before every command.
    const patienceMs = onRealServer ? 90_000 : 5_000;
    this.timeout(patienceMs + 10_000);
    const tokens = db.collection('tokens');
    await tokens.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    await tokens.insertMany([
      { name: 'expired', expiresAt: new Date(Date.now() - 1_000) },
      { name: 'fresh', expiresAt: new Date(Date.now() + 3_600_000) },
      { name: 'no-date', expiresAt: 'not a date' },
    ]);

    const remaining = await eventually(
      async () => (await tokens.find({}, { sort: { name: 1 } }).toArray()).map((token) => token.name),
      (names) => !names.includes('expired'),
      patienceMs,
    );
    expect(remaining).to.deep.equal(['fresh', 'no-date']);
    const ttl = (await tokens.indexes()).find((index) => index.name === 'expiresAt_1');
    expect(ttl?.expireAfterSeconds).to.equal(0);
  });

  it('lets exactly one of 20 concurrent findOneAndUpdate claimers win', async function () {
    const leases = db.collection<{ _id: string; owner: string | null }>('leases');
    await leases.insertOne({ _id: 'lease', owner: null });

    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        leases.findOneAndUpdate({ _id: 'lease', owner: null }, { $set: { owner: `w${i}` } }, { returnDocument: 'after' }),
      ),
    );
    const winners = claims.filter((claim) => claim !== null);
    expect(winners).to.have.length(1);
    expect(await leases.findOne({ _id: 'lease' })).to.deep.equal(winners[0]);
  });

  it('round-trips Date, Binary, UUID, Long and ObjectId values', async function () {
    const blobs = db.collection('blobs');
    const id = new ObjectId();
    const at = new Date('2024-02-29T23:59:59.123Z');
    const bytes = new Binary(Buffer.from([0, 1, 2, 127, 128, 254, 255]));
    const uuid = new UUID();
    const big = Long.fromString('9007199254740993');
    await blobs.insertOne({ _id: id, at, bytes, uuid, big, nested: { at, list: [at] } });

    const stored = await blobs.findOne({ _id: id }, { promoteLongs: false });
    expect(stored?._id).to.be.instanceOf(ObjectId);
    expect(stored?._id.equals(id)).to.equal(true);
    expect(stored?.at).to.be.instanceOf(Date);
    expect(stored?.at.getTime()).to.equal(at.getTime());
    expect(stored?.nested.list[0].getTime()).to.equal(at.getTime());
    expect(stored?.bytes).to.be.instanceOf(Binary);
    expect(stored?.bytes.sub_type).to.equal(0);
    expect(Buffer.from(stored?.bytes.buffer).equals(Buffer.from([0, 1, 2, 127, 128, 254, 255]))).to.equal(true);
    expect(stored?.uuid.sub_type).to.equal(4);
    expect(stored?.uuid.toUUID().toHexString()).to.equal(uuid.toHexString());
    expect(stored?.big).to.be.instanceOf(Long);
    expect(stored?.big.toString()).to.equal('9007199254740993');

    expect(await blobs.countDocuments({ at })).to.equal(1);
    expect(await blobs.countDocuments({ at: { $gt: new Date(at.getTime() - 1) }, uuid })).to.equal(1);
    expect(await blobs.countDocuments({ at: { $gt: at } })).to.equal(0);
  });

  it('fails while the server is stopped, and the same client works again after restart()', async function () {
    this.timeout(30_000);
    const standin = await startMongoStandin();
    const privateClient = new MongoClient(standin.uri, { serverSelectionTimeoutMS: 500 });
    try {
      const items = privateClient.db('restart').collection('items');
      await items.insertOne({ n: 1 });

      await standin.stop();
      const error = await rejectionOf(items.findOne({}));
      expect(error).to.satisfy(isConnectionFailure, `expected a connection failure, got ${String(error)}`);

      const port = standin.port;
      await standin.restart();
      expect(standin.port).to.equal(port);
      await items.insertOne({ n: 2 });
      // The stand-in keeps data in memory only: it comes back empty, unlike a real mongod.
      expect(await items.find({}, { projection: { _id: 0 } }).toArray()).to.deep.equal([{ n: 2 }]);
    } finally {
      await privateClient.close();
      await standin.stop();
    }
  });
});
