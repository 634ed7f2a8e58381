import * as O from 'fp-ts/lib/Option.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';

import type { MeetingLock, MeetingRepository } from '../../../application/ports/meeting-repository.js';
import type { StoreUnavailable } from '../../../domain/errors.js';
import type { LinkId, MeetingId, VendorId } from '../../../domain/ids.js';
import type { Meeting } from '../../../domain/meeting.js';
import { later } from './lazy.js';

/** Meetings in this process's memory: for development and tests; lost on restart. */
export class MemoryMeetingRepository implements MeetingRepository {
  private readonly byId = new Map<string, Meeting>();
  private readonly locks = new Map<string, { readonly holder: string; readonly until: Date }>();

  insert(meeting: Meeting): TE.TaskEither<StoreUnavailable, void> {
    return later(() => {
      // Ids come from a 128-bit random generator: a clash is a defect, not a caller's error.
      if (this.byId.has(meeting.meetingId)) throw new Error(`meeting id ${meeting.meetingId} is already taken`);
      this.byId.set(meeting.meetingId, meeting);
    });
  }

  findForLink(linkId: LinkId, meetingId: MeetingId): TE.TaskEither<StoreUnavailable, O.Option<Meeting>> {
    return later(() => {
      const meeting = this.byId.get(meetingId);
      return meeting !== undefined && meeting.linkId === linkId ? O.some(meeting) : O.none;
    });
  }

  findByVendorRef(vendor: VendorId, vendorRef: string): TE.TaskEither<StoreUnavailable, O.Option<Meeting>> {
    return later(() => {
      for (const meeting of this.byId.values()) {
        if (meeting.vendor === vendor && meeting.vendorRef === vendorRef) return O.some(meeting);
      }
      return O.none;
    });
  }

  save(meeting: Meeting): TE.TaskEither<StoreUnavailable, boolean> {
    return later(() => {
      const stored = this.byId.get(meeting.meetingId);
      if (stored === undefined || stored.linkId !== meeting.linkId) return false;
      this.byId.set(meeting.meetingId, meeting);
      this.locks.delete(meeting.meetingId);
      return true;
    });
  }

  lock(linkId: LinkId, meetingId: MeetingId, holder: string, now: Date, until: Date): TE.TaskEither<StoreUnavailable, MeetingLock> {
    return later((): MeetingLock => {
      const meeting = this.byId.get(meetingId);
      if (meeting === undefined || meeting.linkId !== linkId) return { _tag: 'Missing' };
      const held = this.locks.get(meetingId);
      if (held !== undefined && held.until.getTime() > now.getTime()) return { _tag: 'Busy' };
      this.locks.set(meetingId, { holder, until });
      return { _tag: 'Locked', meeting };
    });
  }

  saveLocked(meeting: Meeting, holder: string): TE.TaskEither<StoreUnavailable, boolean> {
    return later(() => {
      const stored = this.byId.get(meeting.meetingId);
      if (stored === undefined || stored.linkId !== meeting.linkId) return false;
      if (this.locks.get(meeting.meetingId)?.holder !== holder) return false;
      this.byId.set(meeting.meetingId, meeting);
      this.locks.delete(meeting.meetingId);
      return true;
    });
  }

  unlock(linkId: LinkId, meetingId: MeetingId, holder: string): TE.TaskEither<StoreUnavailable, void> {
    return later(() => {
      if (this.byId.get(meetingId)?.linkId !== linkId) return;
      if (this.locks.get(meetingId)?.holder === holder) this.locks.delete(meetingId);
    });
  }

  removeAllForLink(linkId: LinkId): TE.TaskEither<StoreUnavailable, number> {
    return later(() => {
      let removed = 0;
      for (const [id, meeting] of this.byId) {
        if (meeting.linkId === linkId) {
          this.byId.delete(id);
          this.locks.delete(id);
          removed += 1;
        }
      }
      return removed;
    });
  }
}
