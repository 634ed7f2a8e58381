import type * as TE from 'fp-ts/lib/TaskEither.js';

import type { ClaimOutcome, CreateClaims } from '../../../application/ports/create-claims.js';
import type { StoreUnavailable } from '../../../domain/errors.js';
import type { MeetingId } from '../../../domain/ids.js';
import { later } from './lazy.js';

/** How many claims may be added between two sweeps of the expired ones. */
const SWEEP_EVERY = 1_000;

/**
 * Claims on identical creates, in this process's memory (one instance only). Expired claims are
 * swept now and then, as MongoDB's TTL index does, so memory holds about one window of claims.
 */
export class MemoryCreateClaims implements CreateClaims {
  private readonly claims = new Map<string, { meetingId: MeetingId; expiresAt: Date }>();
  private addedSinceSweep = 0;

  /** How many claims are held, expired ones not yet swept included. */
  get size(): number {
    return this.claims.size;
  }

  claim(key: string, meetingId: MeetingId, now: Date, expiresAt: Date): TE.TaskEither<StoreUnavailable, ClaimOutcome> {
    return later((): ClaimOutcome => {
      this.addedSinceSweep += 1;
      if (this.addedSinceSweep >= SWEEP_EVERY) this.sweep(now);
      const held = this.claims.get(key);
      if (held !== undefined && held.expiresAt.getTime() > now.getTime()) return { _tag: 'Taken', meetingId: held.meetingId };
      this.claims.set(key, { meetingId, expiresAt });
      return { _tag: 'Claimed' };
    });
  }

  takeOver(key: string, holder: MeetingId, meetingId: MeetingId, expiresAt: Date): TE.TaskEither<StoreUnavailable, boolean> {
    return later(() => {
      if (this.claims.get(key)?.meetingId !== holder) return false;
      this.claims.set(key, { meetingId, expiresAt });
      return true;
    });
  }

  release(key: string, meetingId: MeetingId): TE.TaskEither<StoreUnavailable, void> {
    return later(() => {
      if (this.claims.get(key)?.meetingId === meetingId) this.claims.delete(key);
    });
  }

  private sweep(now: Date): void {
    this.addedSinceSweep = 0;
    for (const [key, held] of this.claims) if (held.expiresAt.getTime() <= now.getTime()) this.claims.delete(key);
  }
}
