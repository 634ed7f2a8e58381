import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';

import type { StoreUnavailable } from '../../domain/errors.js';
import { linkUsability } from '../../domain/link.js';
import type { MeetingCollaborators } from '../meetings/meeting-collaborators.js';
import { callVendor } from '../meetings/steps.js';
import type { PendingCreate } from '../ports/pending-creates.js';

export interface ReconcileSettings {
  /**
   * A pending create younger than this may still be running somewhere: only older ones are
   * followed up. Longer than a request's budget plus its compensation.
   */
  readonly staleAfterMs: number;
  /** How long one instance holds a pending create it follows up. */
  readonly holdMs: number;
  /** Pending creates followed up per pass. */
  readonly batchSize: number;
  /** Past this age a create whose vendor side cannot be cleaned is given up, loudly. */
  readonly giveUpAfterMs: number;
  /** Budget of the vendor calls for one pending create. */
  readonly vendorBudgetMs: number;
}

/** What one pass did, for logs and tests. */
export interface ReconcileReport {
  /** Pending creates taken in this pass. */
  readonly taken: number;
  /** The meeting was stored after all (the process died after storing): nothing to undo. */
  readonly stored: number;
  /** Meetings deleted at the vendor. */
  readonly deletedAtVendor: number;
  /** Settled with nothing to delete. */
  readonly nothingLeft: number;
  /** Left for a later pass (the vendor or the store failed). */
  readonly retryLater: number;
  /** Settled without cleaning up, because the vendor side can no longer be reached. */
  readonly givenUp: number;
}

type Outcome = 'stored' | 'deletedAtVendor' | 'nothingLeft' | 'retryLater' | 'givenUp';

/**
 * Follows up creates that never settled: a process died (or its request ran out of time) after
 * the pending record was written, maybe after the vendor made the meeting. Pipedrive never got
 * that meeting's id, so whatever the vendor made for it is deleted there. Safe with several
 * instances: each pending create is held by one reconciler at a time.
 */
export class ReconcilePendingCreates {
  constructor(
    private readonly deps: MeetingCollaborators,
    private readonly settings: ReconcileSettings,
  ) {}

  /** One pass over the stale pending creates of this deployment's vendor. */
  runOnce(): TE.TaskEither<StoreUnavailable, ReconcileReport> {
    return async () => {
      const { deps, settings } = this;
      const now = deps.clock.now();
      const taken = await deps.pending.takeStale(
        deps.vendor.id,
        new Date(now.getTime() - settings.staleAfterMs),
        deps.ids.leaseHolder(),
        now,
        new Date(now.getTime() + settings.holdMs),
        settings.batchSize,
      )();
      if (E.isLeft(taken)) return taken;
      const counts: Record<Outcome, number> = { stored: 0, deletedAtVendor: 0, nothingLeft: 0, retryLater: 0, givenUp: 0 };
      for (const pending of taken.right) counts[await this.followUp(pending)] += 1;
      return E.right({ taken: taken.right.length, ...counts });
    };
  }

  private async followUp(pending: PendingCreate): Promise<Outcome> {
    const { deps } = this;
    const fields = { linkId: pending.linkId, meetingId: pending.meetingId, startedAt: pending.startedAt.toISOString() };
    const stored = await deps.meetings.findForLink(pending.linkId, pending.meetingId)();
    if (E.isLeft(stored)) return this.later(pending, stored.left.message);
    if (O.isSome(stored.right)) {
      // Stored before the process died: Pipedrive may have its id, so it stays.
      return this.settle(pending, 'stored', 'pending create was stored after all; settled');
    }
    const link = await deps.links.findById(pending.linkId)();
    if (E.isLeft(link)) return this.later(pending, link.left.message);
    if (O.isNone(link.right) || linkUsability(link.right.value, deps.vendor.id) !== 'usable') {
      deps.logger.warn(
        fields,
        'pending create of a link that is gone or must reconnect: whatever the vendor made for it cannot be looked up; settled',
      );
      return this.settle(pending, 'givenUp');
    }
    const vendorSide = link.right.value;
    const { vendor } = deps;
    const signal = AbortSignal.timeout(this.settings.vendorBudgetMs);
    const found = await callVendor(vendor, deps.credentials)(vendorSide, signal, (call) =>
      vendor.findCreated(call, { meetingId: pending.meetingId, details: pending.details }, pending.startedAt),
    )();
    if (E.isLeft(found)) return this.later(pending, reason(found.left));
    let deletedCount = 0;
    for (const vendorRef of found.right) {
      // A vendor that matches by details may find a meeting we stored for another create.
      const owner = await deps.meetings.findByVendorRef(vendor.id, vendorRef)();
      if (E.isLeft(owner)) return this.later(pending, owner.left.message);
      if (O.isSome(owner.right)) continue;
      const removed = await callVendor(vendor, deps.credentials)(vendorSide, signal, (call) =>
        vendor.deleteMeeting(call, { meetingId: pending.meetingId, vendorRef }),
      )();
      if (E.isLeft(removed) && removed.left._tag !== 'VendorMeetingGone') return this.later(pending, reason(removed.left));
      deps.logger.warn({ ...fields, vendorRef }, 'deleted a meeting an interrupted create left at the vendor');
      deletedCount += 1;
    }
    return this.settle(pending, deletedCount > 0 ? 'deletedAtVendor' : 'nothingLeft');
  }

  private async settle(pending: PendingCreate, outcome: Outcome, message?: string): Promise<Outcome> {
    const settled = await this.deps.pending.settle(pending.meetingId)();
    if (E.isLeft(settled)) return this.later(pending, settled.left.message);
    if (message !== undefined) this.deps.logger.info({ meetingId: pending.meetingId }, message);
    return outcome;
  }

  /** Left for the next pass, unless it has been failing for so long that it is given up. */
  private async later(pending: PendingCreate, why: string): Promise<Outcome> {
    const age = this.deps.clock.now().getTime() - pending.startedAt.getTime();
    const fields = { linkId: pending.linkId, meetingId: pending.meetingId, reason: why };
    if (age < this.settings.giveUpAfterMs) {
      this.deps.logger.warn(fields, 'could not follow up a pending create yet; trying again later');
      return 'retryLater';
    }
    this.deps.logger.error(fields, 'gave up following up a pending create: a meeting may remain at the vendor');
    const settled = await this.deps.pending.settle(pending.meetingId)();
    return E.isLeft(settled) ? 'retryLater' : 'givenUp';
  }
}

function reason(error: { readonly _tag: string; readonly message?: string }): string {
  return error.message === undefined ? error._tag : `${error._tag}: ${error.message}`;
}
