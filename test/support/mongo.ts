/**
 * The MongoDB that persistence suites run against.
 *
 * With MONGODB_URI set (CI service container, Atlas, a local mongod) suites use that real
 * server. Otherwise one stand-in (mockupdb+mongomock, see ./mongo-standin/server.py) is
 * started lazily on first use and shared by the whole mocha run; the root hook below stops it.
 * The stand-in is not MongoDB: whatever passes here must also pass against a real server.
 *
 * Registered as a mocha root hook plugin through "require" in .mocharc.json.
 */
import { startMongoStandin, type MongoStandin } from './mongo-standin.js';

// Process-wide rather than module-local: mocha require()s this file for the root hook, while
// suites with top-level await are import()ed, which loads a second instance of this module.
// Both must see the same stand-in, or the hook would stop one that no suite used.
interface SharedState {
  starting?: Promise<MongoStandin>;
  started?: MongoStandin;
}
const SHARED_STATE = Symbol.for('test/support/mongo.ts shared stand-in');
const shared = ((globalThis as { [SHARED_STATE]?: SharedState })[SHARED_STATE] ??= {});

function realServerUri(): string | undefined {
  const uri = process.env.MONGODB_URI?.trim();
  return uri ? uri : undefined;
}

/** Connection string for suites; starts the shared stand-in on first call unless MONGODB_URI is set. */
export async function testMongoUri(): Promise<string> {
  const realUri = realServerUri();
  if (realUri) return realUri;
  // A failed start stays failed for the run: every suite reports the same clear cause
  // instead of each waiting out its own 15 s start timeout.
  shared.starting ??= startMongoStandin().then((standin) => (shared.started = standin));
  return (await shared.starting).uri;
}

/** Short label of what suites run against, for their output; the port is known once started. */
export function mongoTarget(): string {
  if (realServerUri()) return 'MONGODB_URI (real server)';
  const where = shared.started ? `127.0.0.1:${shared.started.port}` : '(not started yet)';
  return `stand-in ${where} (mockupdb+mongomock)`;
}

export const mochaHooks = {
  async afterAll(): Promise<void> {
    const standin = shared.starting;
    delete shared.starting;
    delete shared.started;
    // A stand-in that failed to start has nothing to stop; its error was already reported.
    await standin?.then((started) => started.stop(), () => undefined);
  },
};
