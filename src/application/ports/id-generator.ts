import type { LinkId, MeetingId } from '../../domain/ids.js';

/** Fresh identifiers: a UUID v4 per link, an opaque unguessable id per meeting. */
export interface IdGenerator {
  linkId(): LinkId;
  meetingId(): MeetingId;
  /** A unique, unguessable name for one holder of a refresh lease. */
  leaseHolder(): string;
}
export const IdGenerator = Symbol('IdGenerator');
