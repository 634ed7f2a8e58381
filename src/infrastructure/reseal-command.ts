import * as E from 'fp-ts/lib/Either.js';

import { JoseTokenCipher } from '../adapters/crypto/jose-token-cipher.js';
import { type ResealReport, resealSecrets } from '../adapters/persistence/mongo/reseal-secrets.js';
import { vendorPlugins } from '../adapters/vendors/registry.js';
import { type Env, loadConfig } from './config.js';
import { connectMongo } from './mongo-connection.js';

/**
 * `npm run keys:reseal` (or `node dist/infrastructure/reseal-command.js`), with the deployment's
 * environment: the last step of a key rotation. Every secret stored under a key other than
 * ENCRYPTION_KEY is opened (with ENCRYPTION_KEYS_PREVIOUS) and stored again under ENCRYPTION_KEY,
 * beside running instances. When it reports nothing left, the previous keys can be removed.
 */

/** Passes made while instances keep rewriting secrets under the feet of this one. */
const MAX_PASSES = 3;

export async function resealCommand(env: Env, out: (line: string) => void): Promise<number> {
  const loaded = loadConfig(env, vendorPlugins);
  if (E.isLeft(loaded)) {
    for (const problem of loaded.left) out(`config: ${problem}`);
    return 1;
  }
  const config = loaded.right;
  if (config.mongo === undefined) {
    out('MONGODB_URI is required: the in-process store keeps nothing across a restart, so it has nothing to reseal.');
    return 1;
  }
  const connection = await connectMongo({ uri: config.mongo.uri, dbName: config.mongo.dbName });
  try {
    const cipher = new JoseTokenCipher({ current: config.encryptionKey, previous: config.previousEncryptionKeys });
    let report: ResealReport | undefined;
    for (let pass = 1; pass <= MAX_PASSES; pass += 1) {
      report = await resealSecrets(connection.db, cipher);
      out(
        `pass ${pass}: ${report.current} already under ENCRYPTION_KEY, ${report.resealed} resealed, ` +
          `${report.changedMeanwhile} changed meanwhile by a running instance, ${report.unreadable} unreadable`,
      );
      if (report.changedMeanwhile === 0) break;
    }
    if (report === undefined || report.unreadable > 0) {
      out('Some secrets open with none of these keys: add the key that sealed them to ENCRYPTION_KEYS_PREVIOUS and run again.');
      return 1;
    }
    if (report.changedMeanwhile > 0) {
      out('Instances kept rewriting secrets: check that every instance runs with the new ENCRYPTION_KEY, then run again.');
      return 1;
    }
    out(
      'Every stored secret is under ENCRYPTION_KEY. Once every instance runs with it and 10 minutes (the OAuth state ' +
        'lifetime) have passed, ENCRYPTION_KEYS_PREVIOUS can be removed.',
    );
    return 0;
  } finally {
    await connection.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  resealCommand(process.env, (line) => process.stdout.write(`${line}\n`)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
