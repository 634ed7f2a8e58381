import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';

import type { VendorTimeout } from '../../domain/errors.js';
import type { LinkId, MeetingId } from '../../domain/ids.js';
import { defaultInvitation } from '../../domain/invitation.js';
import type { Link } from '../../domain/link.js';
import { deleted, type Meeting, newMeeting } from '../../domain/meeting.js';
import type { MeetingDetails } from '../../domain/meeting-details.js';
import type { VendorMeeting } from '../ports/video-vendor.js';
import type { MeetingUseCaseError } from './errors.js';
import type { MeetingCollaborators } from './meeting-collaborators.js';
import { callVendor, pause, usableLink, vendorFailure } from './steps.js';

export interface CreateMeetingCommand {
  readonly linkId: LinkId;
  readonly details: MeetingDetails;
  /** Aborts when the request's budget is spent. */
  readonly signal: AbortSignal;
}

/** The key of identical creates: one link, one topic, one start, one duration. */
export const createKey = (linkId: LinkId, details: MeetingDetails): string =>
  [linkId, details.start.toISOString(), String(details.durationMinutes), details.topic].join('\n');

/** How often a duplicate create looks whether the first one has finished. */
const DUPLICATE_POLL_MS = [25, 50, 100, 200] as const;

/**
 * Pipedrive's postMeeting: a new meeting at the vendor, recorded under the link.
 *
 * What can go wrong between the vendor and our store is covered step by step:
 * 1. An identical create still inside the duplicate window (a retry, a double click, on any
 *    instance) gets the first create's meeting; no second meeting is made at the vendor.
 * 2. A pending record is written before the vendor is called, so a process that dies after the
 *    vendor made the meeting leaves a trace; the reconciler follows it up and deletes the meeting.
 * 3. If storing the meeting fails, the vendor meeting is deleted again (compensation).
 * 4. If the request's budget ran out meanwhile, Pipedrive has its 504 already and will never learn
 *    this meeting: it is deleted again too, rather than left for nobody to delete.
 */
export class CreateMeeting {
  constructor(private readonly deps: MeetingCollaborators) {}

  execute(command: CreateMeetingCommand): TE.TaskEither<MeetingUseCaseError, Meeting> {
    return () => this.run(command);
  }

  private async run(command: CreateMeetingCommand): Promise<E.Either<MeetingUseCaseError, Meeting>> {
    const { deps } = this;
    const link = await usableLink(deps.links, deps.vendor)(command.linkId)();
    if (E.isLeft(link)) return link;
    const meetingId = deps.ids.meetingId();
    const key = createKey(link.right.linkId, command.details);

    const claim = await this.claim(link.right, key, meetingId, command.signal);
    if (E.isLeft(claim)) return claim;
    if (O.isSome(claim.right)) {
      deps.logger.info(
        { linkId: link.right.linkId, meetingId: claim.right.value.meetingId },
        'identical create within the duplicate window: answered with the first meeting',
      );
      return E.right(claim.right.value);
    }

    const created = await this.create(link.right, meetingId, command);
    if (E.isLeft(created)) {
      await this.quietly(deps.claims.release(key, meetingId), 'release the duplicate claim', meetingId);
    }
    return created;
  }

  /**
   * The claim on this create's key: `None` when this create is the first (and goes on to make the
   * meeting), the first create's meeting when an identical one is in its window.
   */
  private async claim(
    link: Link,
    key: string,
    meetingId: MeetingId,
    signal: AbortSignal,
  ): Promise<E.Either<MeetingUseCaseError, O.Option<Meeting>>> {
    const { claims, meetings, clock, settings } = this.deps;
    for (let round = 0; ; round += 1) {
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + settings.duplicateWindowMs);
      const outcome = await claims.claim(key, meetingId, now, expiresAt)();
      if (E.isLeft(outcome)) return outcome;
      if (outcome.right._tag === 'Claimed') return E.right(O.none);
      const holder = outcome.right.meetingId;
      const first = await meetings.findForLink(link.linkId, holder)();
      if (E.isLeft(first)) return first;
      if (O.isSome(first.right)) {
        if (first.right.value.status === 'active') return E.right(first.right);
        // The first meeting was deleted since: an identical create now wants a new one.
        const moved = await claims.takeOver(key, holder, meetingId, expiresAt)();
        if (E.isLeft(moved)) return moved;
        if (moved.right) return E.right(O.none);
        continue;
      }
      // The first create is still under way: wait for it (it may also fail and let go).
      const waited = await pause(DUPLICATE_POLL_MS[Math.min(round, DUPLICATE_POLL_MS.length - 1)] ?? 200, signal);
      if (!waited) return E.left(stillUnderWay());
    }
  }

  private async create(
    link: Link,
    meetingId: MeetingId,
    command: CreateMeetingCommand,
  ): Promise<E.Either<MeetingUseCaseError, Meeting>> {
    const { deps } = this;
    const recorded = await deps.pending.record({
      meetingId,
      linkId: link.linkId,
      vendor: deps.vendor.id,
      details: command.details,
      startedAt: deps.clock.now(),
    })();
    if (E.isLeft(recorded)) return recorded;

    const answer = await callVendor(deps.vendor, deps.credentials)(link, command.signal, (call) =>
      deps.vendor.createMeeting(call, { meetingId, details: command.details }),
    )();
    if (E.isLeft(answer)) {
      // A timeout or a broken answer may hide a meeting the vendor made: the pending record stays
      // for the reconciler. Any other failure is the vendor saying it made nothing.
      if (!mayHaveCreated(answer.left)) await this.quietly(deps.pending.settle(meetingId), 'settle a refused create', meetingId);
      return vendorFailure(deps.links, deps.clock)(link, meetingId, answer.left)();
    }

    const meeting = this.record(link, meetingId, command.details, answer.right);
    const stored = await deps.meetings.insert(meeting)();
    if (E.isLeft(stored)) {
      await this.undo(link, meeting, 'the store failed after the vendor created the meeting', false);
      return stored;
    }
    if (command.signal.aborted) {
      // Pipedrive has had its 504: nobody will ever know this meeting's id.
      await this.undo(link, meeting, 'the request budget ran out before the answer', true);
      return E.left(tooLate());
    }
    await this.quietly(deps.pending.settle(meetingId), 'settle a stored create', meetingId);
    return E.right(meeting);
  }

  /**
   * Deletes the vendor meeting of a create that cannot be answered; when that works the pending
   * record goes too, otherwise it stays for the reconciler.
   */
  private async undo(link: Link, meeting: Meeting, why: string, stored: boolean): Promise<void> {
    const { deps } = this;
    const fields = { linkId: link.linkId, meetingId: meeting.meetingId, vendorRef: meeting.vendorRef, reason: why };
    const removed = await callVendor(deps.vendor, deps.credentials)(
      link,
      AbortSignal.timeout(deps.settings.compensationBudgetMs),
      (call) => deps.vendor.deleteMeeting(call, { meetingId: meeting.meetingId, vendorRef: meeting.vendorRef }),
    )();
    if (E.isLeft(removed)) {
      deps.logger.error(
        { ...fields, vendorError: removed.left },
        'could not delete the vendor meeting of a failed create; the reconciler will try again',
      );
      return;
    }
    if (stored) {
      await this.quietly(deps.meetings.save(deleted(meeting, deps.clock.now())), 'mark an undone meeting deleted', meeting.meetingId);
    }
    await this.quietly(deps.pending.settle(meeting.meetingId), 'settle an undone create', meeting.meetingId);
    deps.logger.warn(fields, 'create undone: the vendor meeting was deleted again');
  }

  private record(link: Link, meetingId: MeetingId, details: MeetingDetails, created: VendorMeeting): Meeting {
    const { vendor, clock } = this.deps;
    // An empty password is no password: Pipedrive must then get no `password` key at all.
    const password = created.password === '' ? undefined : created.password;
    return newMeeting({
      meetingId,
      linkId: link.linkId,
      vendor: vendor.id,
      vendorRef: created.vendorRef,
      details,
      joinUrl: created.joinUrl,
      password,
      invitation:
        created.invitation ??
        defaultInvitation({ details, joinUrl: created.joinUrl, password, vendorName: vendor.displayName }),
      now: clock.now(),
    });
  }

  /** Bookkeeping whose failure must not change the answer: logged, and the reconciler covers it. */
  private async quietly(task: TE.TaskEither<{ readonly message: string }, unknown>, what: string, meetingId: MeetingId): Promise<void> {
    const result = await task();
    if (E.isLeft(result)) this.deps.logger.warn({ meetingId, reason: result.left.message }, `could not ${what}`);
  }
}

/** A create that failed this way may still have made a meeting at the vendor. */
function mayHaveCreated(error: { readonly _tag: string }): boolean {
  return error._tag === 'VendorTimeout' || error._tag === 'VendorUnavailable';
}

const stillUnderWay = (): VendorTimeout => ({
  _tag: 'VendorTimeout',
  message: 'an identical create is still under way; retry shortly',
});

const tooLate = (): VendorTimeout => ({
  _tag: 'VendorTimeout',
  message: 'the meeting was made after the request budget ran out, and was deleted again',
});
