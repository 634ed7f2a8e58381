import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { Collection, Db } from 'mongodb';

import type { PendingCreate, PendingCreates } from '../../../application/ports/pending-creates.js';
import type { StoreUnavailable } from '../../../domain/errors.js';
import type { MeetingId, VendorId } from '../../../domain/ids.js';
import { decodePendingCreate, PENDING_CREATES, type PendingCreateDocument } from './documents.js';
import { guarded } from './errors.js';

/**
 * The journal of creates under way, one document per meeting id. Reconcilers on several instances
 * take documents one at a time with a conditional update, so each stale create is followed up by
 * one instance at a time; a holder that dies lets go when its time runs out.
 */
export class MongoPendingCreates implements PendingCreates {
  private readonly pending: Collection<PendingCreateDocument>;

  constructor(db: Db) {
    this.pending = db.collection<PendingCreateDocument>(PENDING_CREATES);
  }

  record(pending: PendingCreate): TE.TaskEither<StoreUnavailable, void> {
    return guarded(`${PENDING_CREATES}.record`, async () => {
      await this.pending.insertOne({
        _id: pending.meetingId,
        meetingId: pending.meetingId,
        linkId: pending.linkId,
        vendor: pending.vendor,
        details: {
          topic: pending.details.topic,
          start: pending.details.start,
          durationMinutes: pending.details.durationMinutes,
        },
        startedAt: pending.startedAt,
      });
    });
  }

  settle(meetingId: MeetingId): TE.TaskEither<StoreUnavailable, void> {
    return guarded(`${PENDING_CREATES}.settle`, async () => {
      await this.pending.deleteOne({ _id: meetingId });
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
    return guarded(`${PENDING_CREATES}.takeStale`, async () => {
      const taken: PendingCreate[] = [];
      while (taken.length < limit) {
        const document = await this.pending.findOneAndUpdate(
          {
            vendor,
            startedAt: { $lt: startedBefore },
            $or: [{ holder: { $exists: false } }, { 'holder.until': { $lte: now } }],
          },
          { $set: { holder: { name: holder, until } } },
          { returnDocument: 'after', sort: { startedAt: 1 } },
        );
        if (document === null) break;
        const decoded = decodePendingCreate(document);
        taken.push({
          meetingId: decoded.meetingId,
          linkId: decoded.linkId,
          vendor: decoded.vendor,
          details: decoded.details,
          startedAt: decoded.startedAt,
        });
      }
      return taken;
    });
  }
}
