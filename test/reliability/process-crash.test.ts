import { expect } from 'chai';
import { MongoClient } from 'mongodb';

import { DEVELOPMENT_CLIENT_ID, DEVELOPMENT_CLIENT_SECRET } from '../../src/infrastructure/config.js';
import { DEMO_LINK_ID } from '../../src/infrastructure/development.js';
import { mongoTarget, testMongoUri } from '../support/mongo.js';
import { freePort, run, type Started, waitFor } from '../support/processes.js';

/**
 * No orphan meetings, shown the hard way: the service process is killed (SIGKILL, nothing
 * flushed, nothing undone) after the stub vendor made the meeting and before the store write.
 * A second process on the same MongoDB, started later, finds the pending create and deletes the
 * meeting at the vendor.
 */

const DEV_BASIC = `Basic ${Buffer.from(`${DEVELOPMENT_CLIENT_ID}:${DEVELOPMENT_CLIENT_SECRET}`).toString('base64')}`;
const BODY = JSON.stringify({ topic: 'Killed mid-create', start_time: '2026-12-01 15:00', duration: 30 });

describe(`a process killed between the vendor's create and the store write (${mongoTarget()})`, function () {
  this.timeout(60_000);
  const started: Started[] = [];
  const db = `crash_${process.pid}_${Date.now()}`;
  let client: MongoClient;

  before(async () => {
    client = await MongoClient.connect(await testMongoUri());
  });

  after(async () => {
    for (const service of started) if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGKILL');
    await Promise.all(started.map((service) => service.exited));
    await client.db(db).dropDatabase();
    await client.close();
  });

  const startService = async (env: Record<string, string>): Promise<{ service: Started; base: string }> => {
    const port = await freePort();
    const service = run('src/infrastructure/main.ts', [], {
      PORT: String(port),
      MONGODB_URI: await testMongoUri(),
      MONGODB_DB: db,
      LOG_LEVEL: 'info',
      ...env,
    });
    started.push(service);
    const base = `http://127.0.0.1:${port}`;
    let ready = false;
    await waitFor(
      () => {
        void fetch(`${base}/readyz`).then(
          (r) => (ready ||= r.status === 200),
          () => undefined,
        );
        return ready;
      },
      `the service on port ${port} to be ready (stderr: ${service.stderr()})`,
    );
    // The demo link is seeded right after the service starts listening.
    await waitFor(() => service.stdout().includes(DEMO_LINK_ID), 'the demo link to be seeded');
    return { service, base };
  };

  it('leaves a pending create that a later process follows up by deleting the meeting at the vendor', async () => {
    const first = await startService({ STUB_FAULTS: 'create:crash-after', RECONCILE_INTERVAL_MS: '0' });

    const outcome = await fetch(`${first.base}/api/v1/links/${DEMO_LINK_ID}/meetings`, {
      method: 'POST',
      headers: { authorization: DEV_BASIC, 'content-type': 'application/json' },
      body: BODY,
    }).then(
      (response) => `answered ${response.status}`,
      (error: unknown) => `connection lost: ${String(error)}`,
    );
    await first.service.exited;

    expect(outcome).to.match(/^connection lost/);
    expect(first.service.child.signalCode).to.equal('SIGKILL');
    const pending = await client.db(db).collection('pending_creates').find().toArray();
    expect(pending, 'one pending create left behind').to.have.length(1);
    const meetingId = String(pending[0]?.['meetingId']);
    expect(await client.db(db).collection('meetings').countDocuments(), 'no meeting stored').to.equal(0);

    const second = await startService({
      REQUEST_TIMEOUT_MS: '1000',
      RECONCILE_STALE_AFTER_MS: '6000',
      RECONCILE_INTERVAL_MS: '300',
    });
    // Logged once the pass is over, settling included.
    await waitFor(
      () => second.service.stdout().includes('reconciler followed up pending creates'),
      'the reconciler to follow up the pending create',
      30_000,
    );

    const line = second.service
      .stdout()
      .split('\n')
      .find((l) => l.includes('deleted a meeting an interrupted create left at the vendor'));
    expect(line).to.contain(meetingId);
    expect(line).to.contain(`stub-${meetingId}`);
    expect(await client.db(db).collection('pending_creates').countDocuments(), 'settled').to.equal(0);
  });
});
