import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';

import type { LinkId, MeetingId } from '../../domain/ids.js';
import { deleted } from '../../domain/meeting.js';
import type { VendorCredentials } from '../credentials/vendor-credentials.js';
import type { Clock } from '../ports/clock.js';
import type { LinkRepository } from '../ports/link-repository.js';
import type { MeetingRepository } from '../ports/meeting-repository.js';
import type { VideoVendor } from '../ports/video-vendor.js';
import type { MeetingUseCaseError } from './errors.js';
import { callVendor, meetingOfLink, usableLink, vendorFailure } from './steps.js';

export interface DeleteMeetingCommand {
  readonly linkId: LinkId;
  readonly meetingId: MeetingId;
  readonly signal: AbortSignal;
}

/**
 * Pipedrive's deleteMeeting. Idempotent: a meeting already deleted here, or already gone at the
 * vendor, is a success. The vendor goes first: if the store then fails, Pipedrive's retry finds the
 * meeting still active here and the vendor's "already gone" makes the second attempt succeed.
 */
export class DeleteMeeting {
  constructor(
    private readonly links: LinkRepository,
    private readonly meetings: MeetingRepository,
    private readonly vendor: VideoVendor,
    private readonly clock: Clock,
    /** Required for vendors with an OAuth connection. */
    private readonly credentials?: VendorCredentials,
  ) {}

  execute(command: DeleteMeetingCommand): TE.TaskEither<MeetingUseCaseError, void> {
    return pipe(
      usableLink(this.links, this.vendor)(command.linkId),
      TE.bindTo('link'),
      TE.bindW('meeting', ({ link }) => meetingOfLink(this.meetings)(link, command.meetingId)),
      TE.flatMap(({ link, meeting }): TE.TaskEither<MeetingUseCaseError, void> => {
        if (meeting.status === 'deleted') return TE.right(undefined);
        return pipe(
          callVendor(this.vendor, this.credentials)(link, command.signal, (call) =>
            this.vendor.deleteMeeting(call, { meetingId: meeting.meetingId, vendorRef: meeting.vendorRef }),
          ),
          TE.orElseW((error) =>
            // The port promises that deleting a gone meeting succeeds; an adapter saying "gone"
            // anyway still means what the caller wanted is true.
            error._tag === 'VendorMeetingGone'
              ? TE.right(undefined)
              : vendorFailure(this.links, this.clock)(link, meeting.meetingId, error),
          ),
          TE.flatMap(() => this.meetings.save(deleted(meeting, this.clock.now()))),
          TE.map(() => undefined),
        );
      }),
    );
  }
}
