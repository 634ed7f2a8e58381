import { expect } from 'chai';

import { soak } from '../../scripts/bench/load.js';
import {
  basicAuth,
  DEMO_LINK_ID,
  DEV_CLIENT_ID,
  DEV_CLIENT_SECRET,
  freePort,
  type ServiceProcess,
  spawnService,
  waitUntilReady,
} from '../../scripts/bench/processes.js';
import { mongoTarget, testMongoUri } from '../support/mongo.js';

/**
 * A short `npm run soak`: a real process of the service (stub vendor, MongoDB) under a mixed
 * create/update/delete load from autocannon for a few seconds. Every answer must be the one its
 * operation expects (201, 204, 204): an error, a timeout or a dropped connection fails the run.
 * Figures of the long run are in the README; no timing is asserted here.
 */
describe('soak, short run (npm run soak for a few seconds)', function () {
  this.timeout(90_000);
  let service: ServiceProcess | undefined;

  after(async () => {
    await service?.stop();
  });

  it(`serves a mixed create/update/delete load with no unexpected answer, on ${mongoTarget()}`, async () => {
    const port = await freePort();
    service = spawnService({
      entry: 'source',
      env: {
        PORT: String(port),
        VIDEO_VENDOR: 'stub',
        MONGODB_URI: await testMongoUri(),
        MONGODB_DB: `soak_test_${Date.now().toString(36)}`,
        LOG_LEVEL: 'warn',
      },
    });
    await waitUntilReady(service);

    const report = await soak(
      { base: service.base, linkId: DEMO_LINK_ID, authorization: basicAuth(DEV_CLIENT_ID, DEV_CLIENT_SECRET), pid: service.pid },
      { durationS: 12, connections: 8, sampleEveryS: 2 },
    );

    const detail = `${JSON.stringify({ operations: report.operations, errors: report.connectionErrors, timeouts: report.timeouts })}\n${service.output()}`;
    expect(report.unexpectedErrors, detail).to.equal(0);
    for (const tally of Object.values(report.operations)) {
      expect(tally.expected, detail).to.be.greaterThan(0);
    }
    // Each connection runs create → update → delete in order, so every update and delete had a
    // meeting the create before it made.
    expect(report.operations.create.expected).to.be.at.least(report.operations.update.expected);
    expect(report.operations.update.expected).to.be.at.least(report.operations.delete.expected);
    expect(report.served).to.equal(
      report.operations.create.expected + report.operations.update.expected + report.operations.delete.expected,
    );
    expect(report.memory?.end.rssBytes ?? 0, 'the memory of the service process was read').to.be.greaterThan(0);
  });
});
