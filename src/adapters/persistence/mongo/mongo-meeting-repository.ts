import * as O from 'fp-ts/lib/Option.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { Collection, Db } from 'mongodb';

import type { MeetingLock, MeetingRepository } from '../../../application/ports/meeting-repository.js';
import type { StoreUnavailable } from '../../../domain/errors.js';
import type { LinkId, MeetingId, VendorId } from '../../../domain/ids.js';
import type { Meeting } from '../../../domain/meeting.js';
import { decodeMeeting, MEETINGS, type MeetingDocument, meetingFields, toMeetingDocument } from './documents.js';
import { guarded, isDuplicateKey } from './errors.js';

/**
 * Meetings in MongoDB. Every query that starts from our meeting id also names the link, so a
 * meeting can never be read or written through another link's id, not even for a moment in memory.
 */
export class MongoMeetingRepository implements MeetingRepository {
  private readonly meetings: Collection<MeetingDocument>;

  constructor(db: Db) {
    this.meetings = db.collection<MeetingDocument>(MEETINGS);
  }

  insert(meeting: Meeting): TE.TaskEither<StoreUnavailable, void> {
    return guarded(`${MEETINGS}.insert`, async () => {
      try {
        await this.meetings.insertOne(toMeetingDocument(meeting));
      } catch (error) {
        // Meeting ids are 128-bit random and vendor references are the vendor's own, so a clash is
        // a defect (as in the memory adapter), not the store being down. Reporting it as
        // StoreUnavailable would also make create-meeting delete the vendor meeting by a reference
        // that already belongs to another stored meeting.
        if (isDuplicateKey(error)) {
          throw new Error(`${MEETINGS}: meeting ${meeting.meetingId} clashes with a stored one: ${error.message}`);
        }
        throw error;
      }
    });
  }

  findForLink(linkId: LinkId, meetingId: MeetingId): TE.TaskEither<StoreUnavailable, O.Option<Meeting>> {
    return guarded(`${MEETINGS}.findForLink`, async () =>
      O.map(decodeMeeting)(O.fromNullable(await this.meetings.findOne({ _id: meetingId, linkId }))),
    );
  }

  findByVendorRef(vendor: VendorId, vendorRef: string): TE.TaskEither<StoreUnavailable, O.Option<Meeting>> {
    return guarded(`${MEETINGS}.findByVendorRef`, async () =>
      O.map(decodeMeeting)(O.fromNullable(await this.meetings.findOne({ vendor, vendorRef }))),
    );
  }

  save(meeting: Meeting): TE.TaskEither<StoreUnavailable, boolean> {
    return guarded(`${MEETINGS}.save`, async () => {
      // A whole replacement, not a $set: a field the meeting no longer has (a password) must go too.
      const result = await this.meetings.replaceOne(
        { _id: meeting.meetingId, linkId: meeting.linkId },
        meetingFields(meeting),
      );
      return result.matchedCount === 1;
    });
  }

  lock(linkId: LinkId, meetingId: MeetingId, holder: string, now: Date, until: Date): TE.TaskEither<StoreUnavailable, MeetingLock> {
    return guarded(`${MEETINGS}.lock`, async (): Promise<MeetingLock> => {
      // One conditional write: of two processes taking the lock at once, exactly one matches.
      const taken = await this.meetings.findOneAndUpdate(
        { _id: meetingId, linkId, $or: [{ lock: { $exists: false } }, { 'lock.until': { $lte: now } }] },
        { $set: { lock: { holder, until } } },
        { returnDocument: 'after' },
      );
      if (taken !== null) return { _tag: 'Locked', meeting: decodeMeeting(withoutLock(taken)) };
      const exists = await this.meetings.countDocuments({ _id: meetingId, linkId }, { limit: 1 });
      return exists === 0 ? { _tag: 'Missing' } : { _tag: 'Busy' };
    });
  }

  saveLocked(meeting: Meeting, holder: string): TE.TaskEither<StoreUnavailable, boolean> {
    return guarded(`${MEETINGS}.saveLocked`, async () => {
      // The replacement has no `lock` field, so the same write that stores the change releases it.
      const result = await this.meetings.replaceOne(
        { _id: meeting.meetingId, linkId: meeting.linkId, 'lock.holder': holder },
        meetingFields(meeting),
      );
      return result.matchedCount === 1;
    });
  }

  unlock(linkId: LinkId, meetingId: MeetingId, holder: string): TE.TaskEither<StoreUnavailable, void> {
    return guarded(`${MEETINGS}.unlock`, async () => {
      await this.meetings.updateOne({ _id: meetingId, linkId, 'lock.holder': holder }, { $unset: { lock: '' } });
    });
  }

  removeAllForLink(linkId: LinkId): TE.TaskEither<StoreUnavailable, number> {
    return guarded(
      `${MEETINGS}.removeAllForLink`,
      async () => (await this.meetings.deleteMany({ linkId })).deletedCount,
    );
  }
}

/** The lock is the store's bookkeeping, not part of the meeting. */
function withoutLock(document: MeetingDocument & { lock?: unknown }): MeetingDocument {
  const { lock: _lock, ...meeting } = document;
  return meeting;
}
