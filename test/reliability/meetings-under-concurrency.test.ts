import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import request from 'supertest';

import { Clock } from '../../src/application/ports/clock.js';
import { PendingCreates } from '../../src/application/ports/pending-creates.js';
import { ReconcilePendingCreates } from '../../src/application/reconcile/reconcile-pending-creates.js';
import type { LinkId } from '../../src/domain/ids.js';
import { expectRight, expectSome } from '../support/either.js';
import { mongoTarget, testMongoUri } from '../support/mongo.js';
import { BASIC, type TestDeployment, testDeployment } from '../support/service.js';

/**
 * Items 2 to 4 of reliability, through whole deployments built by the production composition root,
 * two instances on one MongoDB where it matters: no orphan meetings, no duplicate meetings, and
 * changes of one meeting that take turns. The stub vendor's switchboard injects the faults, and
 * its record of calls is "what the vendor saw".
 */

const BODY = { topic: 'Renewal call', start_time: '2026-12-01 15:00', duration: 45 };
const meetingsOf = (linkId: string): string => `/api/v1/links/${linkId}/meetings`;

describe(`meetings under concurrency and faults (two instances, ${mongoTarget()})`, function () {
  this.timeout(30_000);
  let db: string;
  const running: TestDeployment[] = [];

  const deploy = async (env: Record<string, string> = {}): Promise<TestDeployment> => {
    const deployment = await testDeployment({ MONGODB_URI: await testMongoUri(), MONGODB_DB: db, ...env });
    running.push(deployment);
    for (let i = 0; i < 100 && !deployment.store.indexesReady(); i += 1) await new Promise((r) => setTimeout(r, 50));
    expect(deployment.store.indexesReady(), 'indexes in place').to.equal(true);
    return deployment;
  };

  // `.then` sends at once: a supertest request left alone is only sent when first awaited, which
  // would reorder the races these tests set up.
  const create = (d: TestDeployment, linkId: string, body: object = BODY) =>
    request(d.callback).post(meetingsOf(linkId)).set('Authorization', BASIC).send(body).then((r) => r);
  const update = (d: TestDeployment, linkId: string, meetingId: string, body: object) =>
    request(d.callback).patch(`${meetingsOf(linkId)}/${meetingId}`).set('Authorization', BASIC).send(body).then((r) => r);
  const remove = (d: TestDeployment, linkId: string, meetingId: string) =>
    request(d.callback).delete(`${meetingsOf(linkId)}/${meetingId}`).set('Authorization', BASIC).then((r) => r);

  const storedMeeting = async (d: TestDeployment, linkId: string, meetingId: string) =>
    expectSome(expectRight(await d.meetings.findForLink(linkId as LinkId, meetingId as never)()));

  /** What the vendor saw, over every instance, in the order each saw it. */
  const vendorCalls = (operation: string) =>
    running.flatMap((d) => d.faults.calls.filter((call) => call.operation === operation));

  beforeEach(() => {
    db = `reliability_${process.pid}_${Date.now()}`;
  });

  afterEach(async () => {
    const uri = await testMongoUri();
    for (const d of running.splice(0)) await d.close();
    const client = await MongoClient.connect(uri);
    try {
      await client.db(db).dropDatabase();
    } finally {
      await client.close();
    }
  });

  describe('no duplicate meetings', () => {
    it('answers an identical create, arriving at the same time on two instances, with one meeting made once', async () => {
      const a = await deploy();
      const b = await deploy();
      const linkId = await a.link();
      // Slow at the vendor, so that every copy arrives while the first is still under way.
      a.faults.arm('create', { kind: 'delay', ms: 150 });
      b.faults.arm('create', { kind: 'delay', ms: 150 });

      const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => create(i % 2 === 0 ? a : b, linkId)));

      expect(answers.map((r) => r.status)).to.deep.equal(Array(6).fill(201));
      const ids = new Set(answers.map((r) => r.body.data.meeting_id as string));
      expect(ids.size, 'one meeting for all six').to.equal(1);
      expect(vendorCalls('create'), 'one create at the vendor').to.have.length(1);
      // The answers are the same meeting, word for word.
      expect(new Set(answers.map((r) => JSON.stringify(r.body))).size).to.equal(1);
      a.faults.clear();
      b.faults.clear();
    });

    it('makes a new meeting for the same body once the window is over, or once the first was deleted', async () => {
      const a = await deploy({ DUPLICATE_CREATE_WINDOW_MS: '300' });
      const linkId = await a.link();
      const first = (await create(a, linkId)).body.data.meeting_id as string;
      expect((await create(a, linkId)).body.data.meeting_id, 'inside the window').to.equal(first);

      await new Promise((r) => setTimeout(r, 350));
      const second = (await create(a, linkId)).body.data.meeting_id as string;
      expect(second, 'after the window').not.to.equal(first);

      expect((await remove(a, linkId, second)).status).to.equal(204);
      const third = (await create(a, linkId)).body.data.meeting_id as string;
      expect(third, 'after the first was deleted, inside the window').not.to.equal(second);
      expect(vendorCalls('create')).to.have.length(3);
    });

    it('lets a retry create after the first identical create failed at the vendor', async () => {
      const a = await deploy();
      const linkId = await a.link();
      a.faults.arm('create', { kind: 'fail', error: { _tag: 'VendorUnavailable', message: 'HTTP 503' } });

      expect((await create(a, linkId)).status).to.equal(502);
      const retry = await create(a, linkId);

      expect(retry.status).to.equal(201);
      expect(vendorCalls('create')).to.have.length(1);
    });

    it('keeps identical bodies of two different links apart', async () => {
      const a = await deploy();
      const one = await a.link();
      const two = await a.link();

      const [x, y] = await Promise.all([create(a, one), create(a, two)]);

      expect(x.body.data.meeting_id).not.to.equal(y.body.data.meeting_id);
      expect(vendorCalls('create')).to.have.length(2);
    });
  });

  describe('races on one meeting', () => {
    it('an update and a delete arriving together end deleted, at the vendor and here, every time', async () => {
      const a = await deploy();
      const b = await deploy();
      const linkId = await a.link();
      for (let round = 0; round < 5; round += 1) {
        const meetingId = (await create(a, linkId, { ...BODY, topic: `Round ${round}` })).body.data.meeting_id as string;
        // The update is slow at the vendor: without turns, the delete would finish in between and
        // the update's write would bring the meeting back.
        a.faults.arm('update', { kind: 'delay', ms: 120 });

        const moved = update(a, linkId, meetingId, { ...BODY, topic: `Round ${round} moved` });
        await new Promise((r) => setTimeout(r, 30));
        const [updated, deleted] = await Promise.all([moved, remove(b, linkId, meetingId)]);

        expect(updated.status, 'the update went first').to.equal(204);
        expect(deleted.status).to.equal(204);
        const stored = await storedMeeting(a, linkId, meetingId);
        expect(stored.status, `round ${round}: deleted here`).to.equal('deleted');
        const last = running
          .flatMap((d) => d.faults.calls)
          .filter((call) => call.meetingId === meetingId && call.operation !== 'create')
          .map((call) => call.operation);
        expect(last, `round ${round}: the vendor saw the update, then the delete`).to.deep.equal(['update', 'delete']);
      }
    });

    it('an update arriving after a delete answers 404 and never brings the meeting back', async () => {
      const a = await deploy();
      const linkId = await a.link();
      const meetingId = (await create(a, linkId)).body.data.meeting_id as string;
      a.faults.arm('delete', { kind: 'delay', ms: 120 });

      const deleting = remove(a, linkId, meetingId);
      await new Promise((r) => setTimeout(r, 30));
      const [deleted, updated] = await Promise.all([deleting, update(a, linkId, meetingId, { ...BODY, topic: 'Too late' })]);

      expect(deleted.status).to.equal(204);
      expect(updated.status).to.equal(404);
      expect(updated.body.error.code).to.equal('MEETING_NOT_FOUND');
      expect((await storedMeeting(a, linkId, meetingId)).status).to.equal('deleted');
      expect(vendorCalls('update')).to.deep.equal([]);
    });

    it('concurrent updates apply in the order they arrive, the same at the vendor and here', async () => {
      const a = await deploy();
      const b = await deploy();
      const linkId = await a.link();
      const meetingId = (await create(a, linkId)).body.data.meeting_id as string;
      // The first is slow at the vendor: without turns its late write would win here while the
      // vendor applied both in their order of arrival.
      a.faults.arm('update', { kind: 'delay', ms: 150 });

      const first = update(a, linkId, meetingId, { ...BODY, topic: 'First' });
      await new Promise((r) => setTimeout(r, 30));
      const second = update(b, linkId, meetingId, { ...BODY, topic: 'Second' });
      const answers = await Promise.all([first, second]);

      expect(answers.map((r) => r.status)).to.deep.equal([204, 204]);
      expect(vendorCalls('update').map((call) => call.topic)).to.deep.equal(['First', 'Second']);
      expect((await storedMeeting(a, linkId, meetingId)).details.topic).to.equal('Second');
    });

    it('a change that finds the meeting busy for longer than its budget answers 504 and changes nothing', async () => {
      const a = await deploy({ REQUEST_TIMEOUT_MS: '2000' });
      const b = await deploy({ REQUEST_TIMEOUT_MS: '200' });
      const linkId = await a.link();
      const meetingId = (await create(a, linkId)).body.data.meeting_id as string;
      a.faults.arm('update', { kind: 'delay', ms: 600 });

      const slow = update(a, linkId, meetingId, { ...BODY, topic: 'Slow' });
      await new Promise((r) => setTimeout(r, 100));
      const blocked = await update(b, linkId, meetingId, { ...BODY, topic: 'Blocked' });
      expect((await slow).status).to.equal(204);

      expect(blocked.status).to.equal(504);
      expect(blocked.body.error.code).to.equal('VENDOR_TIMEOUT');
      expect((await storedMeeting(a, linkId, meetingId)).details.topic).to.equal('Slow');
      expect(vendorCalls('update').map((call) => call.topic)).to.deep.equal(['Slow']);
    });
  });

  describe('no orphan meetings', () => {
    /** Moves this deployment's clock `ms` ahead: the reconciler only follows up old creates. */
    const advance = (d: TestDeployment, ms: number): void => {
      const clock = d.container.get<Clock>(Clock);
      const real = clock.now.bind(clock);
      clock.now = () => new Date(real().getTime() + ms);
    };

    /** The pending creates as stored, read straight from MongoDB. */
    const pendingIds = async (): Promise<string[]> => {
      const client = await MongoClient.connect(await testMongoUri());
      try {
        const documents = await client.db(db).collection('pending_creates').find().toArray();
        return documents.map((document) => String(document['meetingId']));
      } finally {
        await client.close();
      }
    };

    it('a create that timed out at the vendor is followed up: the reconciler deletes what it left there', async () => {
      const a = await deploy({ REQUEST_TIMEOUT_MS: '200' });
      const linkId = await a.link();
      a.faults.arm('create', { kind: 'hang' });

      const timedOut = await create(a, linkId);
      expect(timedOut.status).to.equal(504);
      // Nothing is followed up while the create may still be running somewhere.
      const reconcile = a.container.get(ReconcilePendingCreates);
      expect(expectRight(await reconcile.runOnce()()).taken, 'too young to follow up').to.equal(0);

      advance(a, 10 * 60_000);
      const report = expectRight(await reconcile.runOnce()());

      expect(report).to.deep.include({ taken: 1, nothingLeft: 0, retryLater: 0 });
      expect(report.deletedAtVendor).to.equal(1);
      const [found] = vendorCalls('findCreated');
      const deletes = vendorCalls('delete');
      expect(deletes).to.have.length(1);
      expect(deletes[0]?.meetingId).to.equal(found?.meetingId);
      expect(deletes[0]?.vendorRef).to.equal(`stub-${found?.meetingId}`);
      // Settled: a second pass finds nothing.
      expect(expectRight(await reconcile.runOnce()()).taken).to.equal(0);
    });

    it('two instances reconciling at once follow up each pending create exactly once', async () => {
      const a = await deploy({ REQUEST_TIMEOUT_MS: '150' });
      const b = await deploy({ REQUEST_TIMEOUT_MS: '150' });
      const linkId = await a.link();
      a.faults.arm('create', { kind: 'hang' }, 6);
      const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => create(a, linkId, { ...BODY, topic: `Lost ${i}` })));
      expect(answers.map((r) => r.status)).to.deep.equal(Array(6).fill(504));
      expect(await pendingIds()).to.have.length(6);
      advance(a, 10 * 60_000);
      advance(b, 10 * 60_000);

      const reports = await Promise.all([a, b].map(async (d) => expectRight(await d.container.get(ReconcilePendingCreates).runOnce()())));

      expect(reports.reduce((sum, r) => sum + r.taken, 0)).to.equal(6);
      const deleted = vendorCalls('delete').map((call) => call.meetingId);
      expect(deleted).to.have.length(6);
      expect(new Set(deleted).size).to.equal(6);
      expect(await pendingIds()).to.deep.equal([]);
    });

    it('keeps a pending create whose vendor search fails, and follows it up on a later pass', async () => {
      const a = await deploy({ REQUEST_TIMEOUT_MS: '150' });
      const linkId = await a.link();
      a.faults.arm('create', { kind: 'hang' });
      expect((await create(a, linkId)).status).to.equal(504);
      advance(a, 10 * 60_000);
      a.faults.arm('findCreated', { kind: 'fail', error: { _tag: 'VendorUnavailable', message: 'HTTP 503' } });
      const reconcile = a.container.get(ReconcilePendingCreates);

      expect(expectRight(await reconcile.runOnce()())).to.deep.include({ taken: 1, retryLater: 1 });
      expect(await pendingIds()).to.have.length(1);
      advance(a, 2 * 60_000); // past the failed pass's hold

      expect(expectRight(await reconcile.runOnce()())).to.deep.include({ taken: 1, deletedAtVendor: 1 });
      expect(await pendingIds()).to.deep.equal([]);
    });

    it('settles a pending create whose meeting was stored after all, and deletes nothing', async () => {
      const a = await deploy();
      const linkId = await a.link();
      const created = await create(a, linkId);
      expect(created.status).to.equal(201);
      // As if the process died between storing the meeting and settling its pending record.
      const meeting = await storedMeeting(a, linkId, created.body.data.meeting_id as string);
      expectRight(
        await a.container.get<PendingCreates>(PendingCreates).record({
          meetingId: meeting.meetingId,
          linkId: meeting.linkId,
          vendor: meeting.vendor,
          details: meeting.details,
          startedAt: meeting.createdAt,
        })(),
      );
      advance(a, 10 * 60_000);

      const report = expectRight(await a.container.get(ReconcilePendingCreates).runOnce()());

      expect(report).to.deep.include({ taken: 1, stored: 1, deletedAtVendor: 0 });
      expect(vendorCalls('delete')).to.deep.equal([]);
      expect((await storedMeeting(a, linkId, meeting.meetingId)).status).to.equal('active');
    });
  });
});
