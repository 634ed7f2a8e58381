import type * as TE from 'fp-ts/lib/TaskEither.js';

import type { StoreUnavailable } from '../../domain/errors.js';
import type { MeetingId } from '../../domain/ids.js';

/** What claiming a create's key gave: it is ours now, or another create holds it. */
export type ClaimOutcome =
  | { readonly _tag: 'Claimed' }
  | { readonly _tag: 'Taken'; readonly meetingId: MeetingId };

/**
 * Claims on identical creates: one key per (link, topic, start, duration), held by the meeting id
 * of the first create for a short window. A second identical create within the window finds the
 * first one's meeting instead of making another at the vendor, even on another instance.
 */
export interface CreateClaims {
  /**
   * Claims `key` for `meetingId` until `expiresAt`, unless another meeting holds it and its claim
   * has not expired at `now`. Atomic: of two creates claiming at once, one gets `Claimed`.
   */
  claim(key: string, meetingId: MeetingId, now: Date, expiresAt: Date): TE.TaskEither<StoreUnavailable, ClaimOutcome>;
  /** Moves the claim from `holder` (a meeting deleted since) to `meetingId`; false if `holder` no longer holds it. */
  takeOver(key: string, holder: MeetingId, meetingId: MeetingId, expiresAt: Date): TE.TaskEither<StoreUnavailable, boolean>;
  /** Gives the claim up if `meetingId` still holds it (its create failed), so that a retry may create. */
  release(key: string, meetingId: MeetingId): TE.TaskEither<StoreUnavailable, void>;
}
export const CreateClaims = Symbol('CreateClaims');
