import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';

import type { LinkId, MeetingId } from '../../domain/ids.js';
import { deleted } from '../../domain/meeting.js';
import type { MeetingUseCaseError } from './errors.js';
import type { MeetingCollaborators } from './meeting-collaborators.js';
import { beginChange, callVendor, storeLocked, unlockQuietly, vendorFailure } from './steps.js';

export interface DeleteMeetingCommand {
  readonly linkId: LinkId;
  readonly meetingId: MeetingId;
  readonly signal: AbortSignal;
}

/**
 * Pipedrive's deleteMeeting. Idempotent: a meeting already deleted here, or already gone at the
 * vendor, is a success. The vendor goes first: if the store then fails, Pipedrive's retry finds the
 * meeting still active here and the vendor's "already gone" makes the second attempt succeed. Like
 * an update, it holds the meeting's lock from the read to the write.
 */
export class DeleteMeeting {
  constructor(private readonly deps: MeetingCollaborators) {}

  execute(command: DeleteMeetingCommand): TE.TaskEither<MeetingUseCaseError, void> {
    return () => this.run(command);
  }

  private async run(command: DeleteMeetingCommand): Promise<E.Either<MeetingUseCaseError, void>> {
    const { deps } = this;
    const change = await beginChange(deps, command);
    if (E.isLeft(change)) return change;
    const { link, meeting, holder } = change.right;
    if (meeting.status === 'deleted') return E.right(undefined);
    const answer = await callVendor(deps.vendor, deps.credentials)(link, command.signal, (call) =>
      deps.vendor.deleteMeeting(call, { meetingId: meeting.meetingId, vendorRef: meeting.vendorRef }),
    )();
    // The port promises that deleting a gone meeting succeeds; an adapter saying "gone" anyway
    // still means what the caller wanted is true.
    if (E.isLeft(answer) && answer.left._tag !== 'VendorMeetingGone') {
      await unlockQuietly(deps, meeting, holder);
      return vendorFailure(deps.links, deps.clock)(link, meeting.meetingId, answer.left)();
    }
    return storeLocked(deps, deleted(meeting, deps.clock.now()), holder)();
  }
}
