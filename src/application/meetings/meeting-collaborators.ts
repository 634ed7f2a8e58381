import type { VendorCredentials } from '../credentials/vendor-credentials.js';
import type { Clock } from '../ports/clock.js';
import type { CreateClaims } from '../ports/create-claims.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { LinkRepository } from '../ports/link-repository.js';
import type { Logger } from '../ports/logger.js';
import type { MeetingRepository } from '../ports/meeting-repository.js';
import type { PendingCreates } from '../ports/pending-creates.js';
import type { VideoVendor } from '../ports/video-vendor.js';

/** The timings of the meeting use cases. */
export interface MeetingSettings {
  /**
   * How long an identical create (same link, topic, start and duration) returns the first one's
   * meeting instead of making another: a retry after a timeout, a double click.
   */
  readonly duplicateWindowMs: number;
  /**
   * How long one change may hold a meeting before another may take it: longer than any request's
   * budget, so that it only ever runs out when its holder died.
   */
  readonly meetingLockMs: number;
  /** How long undoing a vendor meeting may take once the request that made it has failed. */
  readonly compensationBudgetMs: number;
}

export const DEFAULT_MEETING_SETTINGS: MeetingSettings = {
  duplicateWindowMs: 60_000,
  meetingLockMs: 30_000,
  compensationBudgetMs: 5_000,
};

/** What the meeting use cases and the reconciler work with. */
export interface MeetingCollaborators {
  readonly links: LinkRepository;
  readonly meetings: MeetingRepository;
  readonly pending: PendingCreates;
  readonly claims: CreateClaims;
  readonly vendor: VideoVendor;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Required for vendors with a per-user connection (OAuth, account key). */
  readonly credentials?: VendorCredentials | undefined;
  readonly settings: MeetingSettings;
}
export const MeetingCollaborators = Symbol('MeetingCollaborators');
