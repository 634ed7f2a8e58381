import type * as TE from 'fp-ts/lib/TaskEither.js';

import type { ClaimOutcome, CreateClaims } from '../../../application/ports/create-claims.js';
import type { StoreUnavailable } from '../../../domain/errors.js';
import type { MeetingId } from '../../../domain/ids.js';
import { later } from './lazy.js';

/** Claims on identical creates, in this process's memory (one instance only). */
export class MemoryCreateClaims implements CreateClaims {
  private readonly claims = new Map<string, { meetingId: MeetingId; expiresAt: Date }>();

  claim(key: string, meetingId: MeetingId, now: Date, expiresAt: Date): TE.TaskEither<StoreUnavailable, ClaimOutcome> {
    return later((): ClaimOutcome => {
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
}
