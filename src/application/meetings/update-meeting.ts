import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';

import { meetingNotFound } from '../../domain/errors.js';
import type { LinkId, MeetingId } from '../../domain/ids.js';
import { deleted, rescheduled } from '../../domain/meeting.js';
import type { MeetingDetails } from '../../domain/meeting-details.js';
import type { VendorCredentials } from '../credentials/vendor-credentials.js';
import type { Clock } from '../ports/clock.js';
import type { LinkRepository } from '../ports/link-repository.js';
import type { MeetingRepository } from '../ports/meeting-repository.js';
import type { VideoVendor } from '../ports/video-vendor.js';
import type { MeetingUseCaseError } from './errors.js';
import { callVendor, meetingOfLink, usableLink, vendorFailure } from './steps.js';

export interface UpdateMeetingCommand {
  readonly linkId: LinkId;
  readonly meetingId: MeetingId;
  readonly details: MeetingDetails;
  readonly signal: AbortSignal;
}

/** Pipedrive's patchUpdateMeeting: the activity's name or time changed. */
export class UpdateMeeting {
  constructor(
    private readonly links: LinkRepository,
    private readonly meetings: MeetingRepository,
    private readonly vendor: VideoVendor,
    private readonly clock: Clock,
    /** Required for vendors with an OAuth connection. */
    private readonly credentials?: VendorCredentials,
  ) {}

  execute(command: UpdateMeetingCommand): TE.TaskEither<MeetingUseCaseError, void> {
    return pipe(
      usableLink(this.links, this.vendor)(command.linkId),
      TE.bindTo('link'),
      TE.bindW('meeting', ({ link }) => meetingOfLink(this.meetings)(link, command.meetingId)),
      TE.flatMap(({ link, meeting }): TE.TaskEither<MeetingUseCaseError, void> => {
        if (meeting.status === 'deleted') return TE.left(meetingNotFound(meeting.meetingId, 'deleted'));
        return pipe(
          callVendor(this.vendor, this.credentials)(link, command.signal, (call) =>
            this.vendor.updateMeeting(call, { meetingId: meeting.meetingId, vendorRef: meeting.vendorRef }, command.details),
          ),
          TE.orElseW((error) =>
            error._tag === 'VendorMeetingGone'
              ? // Recorded as deleted so that Pipedrive's later delete is a quiet 204.
                pipe(
                  this.meetings.save(deleted(meeting, this.clock.now())),
                  TE.flatMap(() => vendorFailure(this.links, this.clock)(link, meeting.meetingId, error)),
                )
              : vendorFailure(this.links, this.clock)(link, meeting.meetingId, error),
          ),
          TE.flatMap(() => this.meetings.save(rescheduled(meeting, command.details, this.clock.now()))),
          TE.map(() => undefined),
        );
      }),
    );
  }
}
