import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import { pino } from 'pino';
import request from 'supertest';

import { MongoLinkRepository } from '../../src/adapters/persistence/mongo/mongo-link-repository.js';
import { buildContainer } from '../../src/infrastructure/container/container.js';
import { HttpApp } from '../../src/infrastructure/container/http.module.js';
import { connectMongo, redactMongoUri } from '../../src/infrastructure/mongo-connection.js';
import { openStore } from '../../src/infrastructure/store.js';
import { startMongoStandin } from '../support/mongo-standin.js';
import { testConfig } from '../support/service.js';

async function eventually(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

describe('the MongoDB connection', function () {
  this.timeout(20_000);

  it('survives a store that is down at start: fails fast meanwhile, works once it is up, same client', async () => {
    const server = await startMongoStandin();
    await server.stop();
    const connectErrors: unknown[] = [];
    const connection = await connectMongo({
      uri: server.uri,
      dbName: `reconnect_${process.pid}`,
      serverSelectionTimeoutMS: 300,
      onConnectError: (error) => connectErrors.push(error),
    });
    try {
      const links = new MongoLinkRepository(connection.db);
      const started = Date.now();
      const down = await links.ping()();
      expect(E.isLeft(down) && down.left._tag).to.equal('StoreUnavailable');
      expect(Date.now() - started).to.be.below(2_000);

      await server.restart();
      expect(await eventually(async () => E.isRight(await links.ping()()), 8_000), 'ping succeeds after the server is up').to.equal(
        true,
      );
      expect(connectErrors.length).to.be.greaterThan(0);
    } finally {
      await connection.close();
      await server.stop();
    }
  });

  it('is not ready until MongoDB answers and the indexes exist, then ready without a restart', async () => {
    const server = await startMongoStandin();
    await server.stop();
    const config = testConfig({ MONGODB_URI: `${server.uri}&serverSelectionTimeoutMS=300`, MONGODB_DB: `ready_${process.pid}` });
    const logger = pino({ level: 'silent' });
    const store = await openStore(config, logger);
    try {
      const app = buildContainer(config, logger, store).get<HttpApp>(HttpApp);
      expect((await request(app.callback()).get('/readyz')).status).to.equal(503);
      await server.restart();
      expect(
        await eventually(async () => (await request(app.callback()).get('/readyz')).status === 200, 12_000),
        '/readyz turns 200',
      ).to.equal(true);
      expect(store.indexesReady()).to.equal(true);
    } finally {
      await store.close();
      await server.stop();
    }
  });

  it('never shows a password, secret or token from a connection string in what it logs', () => {
    expect(redactMongoUri('mongodb://admin:hunter2@db1:27017,db2:27017/app?replicaSet=rs0')).to.equal(
      'mongodb://admin:***@db1:27017,db2:27017/app?replicaSet=rs0',
    );
    expect(redactMongoUri('mongodb+srv://u:p%40ss@cluster.example.net/?authMechanismProperties=AWS_SESSION_TOKEN:abc')).to.equal(
      'mongodb+srv://u:***@cluster.example.net/?authMechanismProperties=***',
    );
    expect(redactMongoUri('mongodb://localhost:27017')).to.equal('mongodb://localhost:27017');
  });
});
