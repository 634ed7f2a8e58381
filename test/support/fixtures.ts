import { randomUUID } from 'node:crypto';

import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { PathReporter } from 'io-ts/lib/PathReporter.js';

import { LinkId, MeetingId, PipedriveId, VendorId } from '../../src/domain/ids.js';
import type { Link } from '../../src/domain/link.js';
import type { Meeting } from '../../src/domain/meeting.js';
import { DurationMinutes, type MeetingDetails, Topic } from '../../src/domain/meeting-details.js';

/**
 * Domain values for tests, made through the same codecs as in production so that a fixture can
 * never be a value the service itself would refuse.
 */

export function decoded<A, O>(codec: t.Type<A, O, unknown>, value: unknown): A {
  const result = codec.decode(value);
  if (E.isLeft(result)) {
    expect.fail(`fixture ${JSON.stringify(value)} is not a ${codec.name}: ${PathReporter.report(result).join('; ')}`);
  }
  return result.right;
}

export const aLinkId = (): LinkId => decoded(LinkId, randomUUID());
export const aMeetingId = (): MeetingId => decoded(MeetingId, randomUUID());
export const aPipedriveId = (value: number): PipedriveId => decoded(PipedriveId, value);
export const aVendorId = (value = 'stub'): VendorId => decoded(VendorId, value);

let nextPipedriveId = 1_000;
/** A fresh id per call, so two links built without overrides never share a (company, user) pair. */
const freshPipedriveId = (): PipedriveId => aPipedriveId((nextPipedriveId += 1));

/** Instants with milliseconds, so a store that drops them is caught. */
export const T0 = new Date('2026-03-04T05:06:07.891Z');
export const T1 = new Date('2026-03-05T10:11:12.345Z');
export const T2 = new Date('2026-03-06T13:14:15.678Z');

export function aLink(overrides: Partial<Link> = {}): Link {
  return {
    linkId: aLinkId(),
    companyId: freshPipedriveId(),
    userId: freshPipedriveId(),
    vendor: aVendorId(),
    status: 'active',
    createdAt: T0,
    updatedAt: T1,
    ...overrides,
  };
}

export function someDetails(overrides: Partial<MeetingDetails> = {}): MeetingDetails {
  return {
    topic: decoded(Topic, 'Quarterly review'),
    start: new Date('2026-04-01T09:30:00.000Z'),
    durationMinutes: decoded(DurationMinutes, 45),
    ...overrides,
  };
}

/** An active meeting without the optional fields; add `password` or `deletedAt` through overrides. */
export function aMeeting(overrides: Partial<Meeting> = {}): Meeting {
  const meetingId = overrides.meetingId ?? aMeetingId();
  return {
    meetingId,
    linkId: aLinkId(),
    vendor: aVendorId(),
    vendorRef: `ref-${randomUUID()}`,
    details: someDetails(),
    joinUrl: `https://video.example.com/j/${meetingId}`,
    invitation: 'You are invited to a Stub meeting.',
    status: 'active',
    createdAt: T0,
    updatedAt: T1,
    ...overrides,
  };
}
