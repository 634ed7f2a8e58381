import type * as TE from 'fp-ts/lib/TaskEither.js';

import type { PendingCreate, PendingCreates } from '../../../application/ports/pending-creates.js';
import type { StoreUnavailable } from '../../../domain/errors.js';
import type { MeetingId, VendorId } from '../../../domain/ids.js';
import { later } from './lazy.js';

interface Entry {
  readonly pending: PendingCreate;
  holder?: { readonly name: string; readonly until: Date };
}

/** Creates under way, in this process's memory: a crash loses them with everything else it held. */
export class MemoryPendingCreates implements PendingCreates {
  private readonly entries = new Map<string, Entry>();

  record(pending: PendingCreate): TE.TaskEither<StoreUnavailable, void> {
    return later(() => {
      if (this.entries.has(pending.meetingId)) throw new Error(`pending create ${pending.meetingId} is already recorded`);
      this.entries.set(pending.meetingId, { pending });
    });
  }

  settle(meetingId: MeetingId): TE.TaskEither<StoreUnavailable, void> {
    return later(() => {
      this.entries.delete(meetingId);
    });
  }

  takeStale(
    vendor: VendorId,
    startedBefore: Date,
    holder: string,
    now: Date,
    until: Date,
    limit: number,
  ): TE.TaskEither<StoreUnavailable, readonly PendingCreate[]> {
    return later(() => {
      const taken: PendingCreate[] = [];
      const oldestFirst = [...this.entries.values()].sort((a, b) => a.pending.startedAt.getTime() - b.pending.startedAt.getTime());
      for (const entry of oldestFirst) {
        if (taken.length >= limit) break;
        const { pending } = entry;
        if (pending.vendor !== vendor || pending.startedAt.getTime() >= startedBefore.getTime()) continue;
        if (entry.holder !== undefined && entry.holder.until.getTime() > now.getTime()) continue;
        entry.holder = { name: holder, until };
        taken.push(pending);
      }
      return taken;
    });
  }
}
