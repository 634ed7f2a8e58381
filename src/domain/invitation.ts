import type { MeetingDetails } from './meeting-details.js';
import { instantToStartTime } from './time.js';

export interface InvitationInput {
  readonly details: MeetingDetails;
  readonly joinUrl: string;
  readonly password?: string | undefined;
  /** The vendor's display name, e.g. "Zoom". */
  readonly vendorName: string;
}

/**
 * The invitation text used when a vendor has none of its own (or its own could not be fetched).
 * Plain text, because Pipedrive shows it as text; times in UTC because that is what we were given
 * and we do not know the reader's zone.
 */
export function defaultInvitation(input: InvitationInput): string {
  const minutes = input.details.durationMinutes;
  const lines = [
    `You are invited to a ${input.vendorName} meeting.`,
    '',
    `Topic: ${oneLine(input.details.topic)}`,
    `Time: ${instantToStartTime(input.details.start)} UTC`,
    `Duration: ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`,
    '',
    `Join: ${input.joinUrl}`,
  ];
  if (input.password !== undefined) lines.push(`Password: ${input.password}`);
  return lines.join('\n');
}

/** A topic is one line here, so that it cannot add lines (a fake "Join:") to the invitation. */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
}
