import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';

import type { LinkId, MeetingId } from '../../domain/ids.js';
import { defaultInvitation } from '../../domain/invitation.js';
import type { Link } from '../../domain/link.js';
import { type Meeting, newMeeting } from '../../domain/meeting.js';
import type { MeetingDetails } from '../../domain/meeting-details.js';
import type { VendorCredentials } from '../credentials/vendor-credentials.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { LinkRepository } from '../ports/link-repository.js';
import type { Logger } from '../ports/logger.js';
import type { MeetingRepository } from '../ports/meeting-repository.js';
import type { VendorMeeting, VideoVendor } from '../ports/video-vendor.js';
import type { MeetingUseCaseError } from './errors.js';
import { callVendor, usableLink, vendorFailure } from './steps.js';

export interface CreateMeetingCommand {
  readonly linkId: LinkId;
  readonly details: MeetingDetails;
  readonly signal: AbortSignal;
}

/** How long undoing a vendor meeting may take once the request itself has failed. */
const COMPENSATION_BUDGET_MS = 5_000;

/** Pipedrive's postMeeting: a new meeting at the vendor, recorded under the link. */
export class CreateMeeting {
  constructor(
    private readonly links: LinkRepository,
    private readonly meetings: MeetingRepository,
    private readonly vendor: VideoVendor,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly logger: Logger,
    /** Required for vendors with an OAuth connection. */
    private readonly credentials?: VendorCredentials,
  ) {}

  execute(command: CreateMeetingCommand): TE.TaskEither<MeetingUseCaseError, Meeting> {
    return pipe(
      usableLink(this.links, this.vendor)(command.linkId),
      // Drawn when the task runs, so that running it twice makes two meetings, not one id twice.
      TE.flatMap((link) => TE.fromIO(() => ({ link, meetingId: this.ids.meetingId() }))),
      TE.flatMap(({ link, meetingId }) =>
        pipe(
          callVendor(this.vendor, this.credentials)(link, command.signal, (call) =>
            this.vendor.createMeeting(call, { meetingId, details: command.details }),
          ),
          TE.orElseW((error) => vendorFailure(this.links, this.clock)(link, meetingId, error)),
          TE.map((created) => this.record(link, meetingId, command.details, created)),
          TE.flatMap((meeting) => this.store(link, meeting)),
        ),
      ),
    );
  }

  private record(link: Link, meetingId: MeetingId, details: MeetingDetails, created: VendorMeeting): Meeting {
    // An empty password is no password: Pipedrive must then get no `password` key at all.
    const password = created.password === '' ? undefined : created.password;
    return newMeeting({
      meetingId,
      linkId: link.linkId,
      vendor: this.vendor.id,
      vendorRef: created.vendorRef,
      details,
      joinUrl: created.joinUrl,
      password,
      invitation:
        created.invitation ??
        defaultInvitation({
          details,
          joinUrl: created.joinUrl,
          password,
          vendorName: this.vendor.displayName,
        }),
      now: this.clock.now(),
    });
  }

  /**
   * A meeting the vendor made but we could not record would be one nobody can ever delete, so when
   * the store fails the vendor meeting is deleted again before the failure is reported.
   */
  private store(link: Link, meeting: Meeting): TE.TaskEither<MeetingUseCaseError, Meeting> {
    return pipe(
      this.meetings.insert(meeting),
      TE.map(() => meeting),
      TE.orElse((storeError) =>
        pipe(
          TE.fromIO(() => AbortSignal.timeout(COMPENSATION_BUDGET_MS)),
          TE.flatMap((signal) =>
            callVendor(this.vendor, this.credentials)(link, signal, (call) =>
              this.vendor.deleteMeeting(call, { meetingId: meeting.meetingId, vendorRef: meeting.vendorRef }),
            ),
          ),
          TE.match(
            (vendorError) =>
              this.logger.error(
                { linkId: link.linkId, meetingId: meeting.meetingId, vendorRef: meeting.vendorRef, vendorError },
                'meeting created at the vendor but neither stored nor deleted: it is orphaned at the vendor',
              ),
            () =>
              this.logger.warn(
                { linkId: link.linkId, meetingId: meeting.meetingId },
                'store failed after the vendor created the meeting; the vendor meeting was deleted again',
              ),
          ),
          TE.fromTask,
          TE.flatMap(() => TE.left(storeError)),
        ),
      ),
    );
  }
}
