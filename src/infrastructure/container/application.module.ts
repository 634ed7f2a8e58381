import { ContainerModule } from 'inversify';

import { CreateMeeting } from '../../application/meetings/create-meeting.js';
import { DeleteMeeting } from '../../application/meetings/delete-meeting.js';
import { UpdateMeeting } from '../../application/meetings/update-meeting.js';
import { Clock } from '../../application/ports/clock.js';
import { IdGenerator } from '../../application/ports/id-generator.js';
import { LinkRepository } from '../../application/ports/link-repository.js';
import { Logger } from '../../application/ports/logger.js';
import { MeetingRepository } from '../../application/ports/meeting-repository.js';
import { VideoVendor } from '../../application/ports/video-vendor.js';

/**
 * The use cases. They are plain classes without decorators (the application layer knows nothing
 * of Inversify), so their constructor arguments are listed here, in order.
 */
export const applicationModule = new ContainerModule(({ bind }) => {
  bind(CreateMeeting)
    .toResolvedValue(
      (links: LinkRepository, meetings: MeetingRepository, vendor: VideoVendor, ids: IdGenerator, clock: Clock, logger: Logger) =>
        new CreateMeeting(links, meetings, vendor, ids, clock, logger),
      [LinkRepository, MeetingRepository, VideoVendor, IdGenerator, Clock, Logger],
    )
    .inSingletonScope();
  bind(UpdateMeeting)
    .toResolvedValue(
      (links: LinkRepository, meetings: MeetingRepository, vendor: VideoVendor, clock: Clock) =>
        new UpdateMeeting(links, meetings, vendor, clock),
      [LinkRepository, MeetingRepository, VideoVendor, Clock],
    )
    .inSingletonScope();
  bind(DeleteMeeting)
    .toResolvedValue(
      (links: LinkRepository, meetings: MeetingRepository, vendor: VideoVendor, clock: Clock) =>
        new DeleteMeeting(links, meetings, vendor, clock),
      [LinkRepository, MeetingRepository, VideoVendor, Clock],
    )
    .inSingletonScope();
});
