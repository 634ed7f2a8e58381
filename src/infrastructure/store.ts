import * as E from 'fp-ts/lib/Either.js';
import type { Db } from 'mongodb';
import type { Logger as Pino } from 'pino';

import { ensureMongoIndexes } from '../adapters/persistence/mongo/indexes.js';
import { MonitoredStoreGate, type StoreGate } from '../adapters/persistence/mongo/store-gate.js';
import type { AppConfig } from './config.js';
import { connectMongo, redactMongoUri } from './mongo-connection.js';

/** The store the process runs on, and whether it may serve yet. */
export interface Store {
  readonly kind: 'memory' | 'mongo';
  /** Present for MongoDB. */
  readonly db?: Db;
  /** A label for logs and the start banner; never carries credentials. */
  readonly description: string;
  /** Present for MongoDB: shut while the driver sees no server that can serve us. */
  readonly gate?: StoreGate;
  /** False until the indexes the repositories rely on are in place. */
  indexesReady(): boolean;
  close(): Promise<void>;
}

const INDEX_RETRY_MS = 5_000;

/**
 * Opens the configured store. MongoDB being down at start is not fatal: the process comes up,
 * answers /readyz with 503, and creates its indexes as soon as the server answers.
 */
export async function openStore(config: AppConfig, logger: Pino): Promise<Store> {
  if (config.mongo === undefined) {
    return {
      kind: 'memory',
      description: 'in-process memory (data is lost when the process stops; set MONGODB_URI to keep it)',
      indexesReady: () => true,
      close: () => Promise.resolve(),
    };
  }
  const description = `MongoDB ${redactMongoUri(config.mongo.uri)} database ${config.mongo.dbName}`;
  const connection = await connectMongo({
    uri: config.mongo.uri,
    dbName: config.mongo.dbName,
    onConnectError: (error) =>
      logger.warn({ err: errorSummary(error) }, 'MongoDB is not reachable yet; retrying'),
  });
  const gate = new MonitoredStoreGate();
  connection.client.on('topologyDescriptionChanged', (event) => {
    const wasDown = gate.isDown();
    gate.observe(event.newDescription);
    if (gate.isDown() !== wasDown) {
      if (gate.isDown()) logger.warn({ topology: event.newDescription.type }, 'MongoDB is unreachable: answering 503 at once until it is back');
      else logger.info({ topology: event.newDescription.type }, 'MongoDB is reachable again');
    }
  });
  let ready = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const ensure = async (): Promise<void> => {
    const result = await ensureMongoIndexes(connection.db)();
    if (stopped) return;
    if (E.isRight(result)) {
      ready = true;
      logger.info({ db: config.mongo?.dbName }, 'MongoDB indexes are in place');
      return;
    }
    logger.warn({ reason: result.left.message }, 'could not create MongoDB indexes yet; retrying');
    timer = setTimeout(() => void ensure(), INDEX_RETRY_MS);
    timer.unref();
  };
  void ensure();
  return {
    kind: 'mongo',
    db: connection.db,
    gate,
    description,
    indexesReady: () => ready,
    close: async () => {
      stopped = true;
      clearTimeout(timer);
      await connection.close();
    },
  };
}

function errorSummary(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
