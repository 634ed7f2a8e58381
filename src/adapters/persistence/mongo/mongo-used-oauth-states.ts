import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { Collection, Db } from 'mongodb';

import type { UsedOAuthStates } from '../../../application/ports/oauth-state.js';
import type { StoreUnavailable } from '../../../domain/errors.js';
import { OAUTH_STATES, type OAuthStateDocument } from './documents.js';
import { guarded, isDuplicateKey } from './errors.js';

/**
 * Used OAuth states in MongoDB, one document per state keyed by its id: the primary key makes
 * "first use" a single insert that exactly one of any number of concurrent callers wins, across
 * every instance. A TTL index on `expiresAt` (see `ensureMongoIndexes`) deletes each one after its
 * state has expired; MongoDB sweeps about once a minute, so an expired id may still answer false
 * for a while, which is harmless: the state verifier refuses expired states before they get here.
 */
export class MongoUsedOAuthStates implements UsedOAuthStates {
  private readonly states: Collection<OAuthStateDocument>;

  constructor(db: Db) {
    this.states = db.collection<OAuthStateDocument>(OAUTH_STATES);
  }

  consume(id: string, expiresAt: Date): TE.TaskEither<StoreUnavailable, boolean> {
    return guarded(`${OAUTH_STATES}.consume`, async () => {
      try {
        await this.states.insertOne({ _id: id, expiresAt });
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    });
  }
}
