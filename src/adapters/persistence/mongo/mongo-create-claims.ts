import { createHash } from 'node:crypto';

import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { Collection, Db } from 'mongodb';

import type { ClaimOutcome, CreateClaims } from '../../../application/ports/create-claims.js';
import type { StoreUnavailable } from '../../../domain/errors.js';
import { MeetingId } from '../../../domain/ids.js';
import { CREATE_CLAIMS, type CreateClaimDocument } from './documents.js';
import { guarded, isDuplicateKey } from './errors.js';

/**
 * The stored key: a digest, because the key carries a topic of up to 500 characters, and because
 * what a user called a meeting has no business sitting in an index.
 */
const digest = (key: string): string => createHash('sha256').update(key).digest('base64url');

/** Rounds of insert-or-take-expired before the store is reported as misbehaving. */
const CLAIM_ROUNDS = 5;

/**
 * Claims in MongoDB, keyed by the create's key: the primary key lets exactly one of any number of
 * concurrent identical creates insert the claim, on any instance. An expired claim is taken over
 * with a conditional update on its expiry, which again only one of them can win. A TTL index on
 * `expiresAt` sweeps old claims; correctness never waits for it.
 */
export class MongoCreateClaims implements CreateClaims {
  private readonly claims: Collection<CreateClaimDocument>;

  constructor(db: Db) {
    this.claims = db.collection<CreateClaimDocument>(CREATE_CLAIMS);
  }

  claim(rawKey: string, meetingId: MeetingId, now: Date, expiresAt: Date): TE.TaskEither<StoreUnavailable, ClaimOutcome> {
    const key = digest(rawKey);
    return guarded(`${CREATE_CLAIMS}.claim`, async (): Promise<ClaimOutcome> => {
      for (let round = 0; round < CLAIM_ROUNDS; round += 1) {
        try {
          await this.claims.insertOne({ _id: key, meetingId, expiresAt });
          return { _tag: 'Claimed' };
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
        }
        const expired = await this.claims.findOneAndUpdate(
          { _id: key, expiresAt: { $lte: now } },
          { $set: { meetingId, expiresAt } },
        );
        if (expired !== null) return { _tag: 'Claimed' };
        const holder = await this.claims.findOne({ _id: key });
        if (holder !== null) {
          if (!MeetingId.is(holder.meetingId)) {
            throw new Error(`${CREATE_CLAIMS}: claim ${key} holds a malformed meeting id`);
          }
          return { _tag: 'Taken', meetingId: holder.meetingId };
        }
        // Released between our insert and our read: try again.
      }
      throw new Error(`${CREATE_CLAIMS}: claim ${key} changed hands ${CLAIM_ROUNDS} times in a row`);
    });
  }

  takeOver(rawKey: string, holder: MeetingId, meetingId: MeetingId, expiresAt: Date): TE.TaskEither<StoreUnavailable, boolean> {
    return guarded(`${CREATE_CLAIMS}.takeOver`, async () => {
      const result = await this.claims.updateOne({ _id: digest(rawKey), meetingId: holder }, { $set: { meetingId, expiresAt } });
      return result.matchedCount === 1;
    });
  }

  release(rawKey: string, meetingId: MeetingId): TE.TaskEither<StoreUnavailable, void> {
    return guarded(`${CREATE_CLAIMS}.release`, async () => {
      await this.claims.deleteOne({ _id: digest(rawKey), meetingId });
    });
  }
}
