import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';

import { meetingNotFound } from '../../domain/errors.js';
import type { LinkId, MeetingId } from '../../domain/ids.js';
import { deleted, rescheduled } from '../../domain/meeting.js';
import type { MeetingDetails } from '../../domain/meeting-details.js';
import type { MeetingUseCaseError } from './errors.js';
import type { MeetingCollaborators } from './meeting-collaborators.js';
import { beginChange, callVendor, storeLocked, unlockQuietly, vendorFailure } from './steps.js';

export interface UpdateMeetingCommand {
  readonly linkId: LinkId;
  readonly meetingId: MeetingId;
  readonly details: MeetingDetails;
  readonly signal: AbortSignal;
}

/**
 * Pipedrive's patchUpdateMeeting: the activity's name or time changed. The meeting is locked from
 * the read to the write, so concurrent changes apply one after another, in the same order at the
 * vendor and here, and an update can never bring back a meeting a concurrent delete removed.
 */
export class UpdateMeeting {
  constructor(private readonly deps: MeetingCollaborators) {}

  execute(command: UpdateMeetingCommand): TE.TaskEither<MeetingUseCaseError, void> {
    return () => this.run(command);
  }

  private async run(command: UpdateMeetingCommand): Promise<E.Either<MeetingUseCaseError, void>> {
    const { deps } = this;
    const change = await beginChange(deps, command);
    if (E.isLeft(change)) return change;
    const { link, meeting, holder } = change.right;
    if (meeting.status === 'deleted') return E.left(meetingNotFound(meeting.meetingId, 'deleted'));
    const answer = await callVendor(deps.vendor, deps.credentials)(link, command.signal, (call) =>
      deps.vendor.updateMeeting(call, { meetingId: meeting.meetingId, vendorRef: meeting.vendorRef }, command.details),
    )();
    if (E.isLeft(answer)) {
      if (answer.left._tag === 'VendorMeetingGone') {
        // Recorded as deleted so that Pipedrive's later delete is a quiet 204.
        const saved = await storeLocked(deps, deleted(meeting, deps.clock.now()), holder)();
        if (E.isLeft(saved)) return saved;
      } else {
        await unlockQuietly(deps, meeting, holder);
      }
      return vendorFailure(deps.links, deps.clock)(link, meeting.meetingId, answer.left)();
    }
    return storeLocked(deps, rescheduled(meeting, command.details, deps.clock.now()), holder)();
  }
}
