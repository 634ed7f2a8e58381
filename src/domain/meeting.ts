import type { LinkId, MeetingId, VendorId } from './ids.js';
import type { MeetingDetails } from './meeting-details.js';

/**
 * A video meeting we created for a link. Pipedrive knows it by `meetingId`; the vendor by
 * `vendorRef` (kept as a string: Zoom's ids are int64 and do not fit a JS number).
 */
export interface Meeting {
  readonly meetingId: MeetingId;
  readonly linkId: LinkId;
  readonly vendor: VendorId;
  readonly vendorRef: string;
  readonly details: MeetingDetails;
  readonly joinUrl: string;
  readonly password?: string;
  /** The invitation Pipedrive was given at creation, and still shows (Pipedrive never asks again). */
  readonly invitation: string;
  readonly status: 'active' | 'deleted';
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly deletedAt?: Date;
}

export interface NewMeetingInput {
  readonly meetingId: MeetingId;
  readonly linkId: LinkId;
  readonly vendor: VendorId;
  readonly vendorRef: string;
  readonly details: MeetingDetails;
  readonly joinUrl: string;
  readonly password?: string | undefined;
  readonly invitation: string;
  readonly now: Date;
}

export function newMeeting(input: NewMeetingInput): Meeting {
  return {
    meetingId: input.meetingId,
    linkId: input.linkId,
    vendor: input.vendor,
    vendorRef: input.vendorRef,
    details: input.details,
    joinUrl: input.joinUrl,
    ...(input.password === undefined ? {} : { password: input.password }),
    invitation: input.invitation,
    status: 'active',
    createdAt: input.now,
    updatedAt: input.now,
  };
}

export function rescheduled(meeting: Meeting, details: MeetingDetails, now: Date): Meeting {
  return { ...meeting, details, updatedAt: now };
}

export function deleted(meeting: Meeting, now: Date): Meeting {
  return { ...meeting, status: 'deleted', updatedAt: now, deletedAt: now };
}
