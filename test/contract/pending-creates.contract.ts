import { expect } from 'chai';

import type { PendingCreate, PendingCreates } from '../../src/application/ports/pending-creates.js';
import { expectRight } from '../support/either.js';
import { aLinkId, aMeetingId, aVendorId, someDetails, T0, T1, T2 } from '../support/fixtures.js';

export interface PendingCreatesSubject {
  readonly pending: PendingCreates;
  cleanup(): Promise<void>;
}

const at = (from: Date, ms: number): Date => new Date(from.getTime() + ms);

export function aPendingCreate(overrides: Partial<PendingCreate> = {}): PendingCreate {
  return { meetingId: aMeetingId(), linkId: aLinkId(), vendor: aVendorId('stub'), details: someDetails(), startedAt: T0, ...overrides };
}

/** The promises of `PendingCreates` every adapter keeps; `make` returns an empty journal. */
export function describePendingCreatesContract(name: string, make: () => Promise<PendingCreatesSubject>): void {
  describe(`${name}: PendingCreates contract`, () => {
    let pending: PendingCreates;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ pending, cleanup } = await make());
    });

    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    const take = async (holder: string, now: Date, options: { before?: Date; vendor?: string; limit?: number } = {}) =>
      expectRight(
        await pending.takeStale(aVendorId(options.vendor ?? 'stub'), options.before ?? T2, holder, now, at(now, 60_000), options.limit ?? 10)(),
      );

    it('hands back a recorded create, with every field, once it is older than the given instant', async () => {
      const recorded = aPendingCreate();
      expectRight(await pending.record(recorded)());

      expect(await take('a', T2, { before: T0 })).to.deep.equal([]);
      expect(await take('a', T2, { before: at(T0, 1) })).to.deep.equal([recorded]);
    });

    it("takes only this vendor's creates", async () => {
      expectRight(await pending.record(aPendingCreate({ vendor: aVendorId('zoom') }))());

      expect(await take('a', T2)).to.deep.equal([]);
      expect(await take('a', T2, { vendor: 'zoom' })).to.have.length(1);
    });

    it('gives each create to one holder at a time, until that holder’s time is past', async () => {
      const recorded = aPendingCreate();
      expectRight(await pending.record(recorded)());

      expect(await take('a', T1)).to.deep.equal([recorded]);
      expect(await take('b', at(T1, 59_999))).to.deep.equal([]);
      expect(await take('b', at(T1, 60_000))).to.deep.equal([recorded]);
    });

    it('splits creates between holders taking at the same moment, never giving one to two', async () => {
      const recorded = Array.from({ length: 6 }, () => aPendingCreate());
      for (const create of recorded) expectRight(await pending.record(create)());

      const taken = await Promise.all(['a', 'b', 'c'].map((holder) => take(holder, T1, { limit: 6 })));

      const ids = taken.flat().map((create) => create.meetingId);
      expect(ids).to.have.length(6);
      expect(new Set(ids).size).to.equal(6);
    });

    it('takes at most `limit`, oldest first', async () => {
      const oldest = aPendingCreate({ startedAt: T0 });
      const newer = aPendingCreate({ startedAt: T1 });
      expectRight(await pending.record(newer)());
      expectRight(await pending.record(oldest)());

      expect(await take('a', T2, { limit: 1 })).to.deep.equal([oldest]);
    });

    it('forgets a settled create; settling an unknown one is fine', async () => {
      const recorded = aPendingCreate();
      expectRight(await pending.record(recorded)());

      expectRight(await pending.settle(recorded.meetingId)());
      expectRight(await pending.settle(aMeetingId())());

      expect(await take('a', T2)).to.deep.equal([]);
    });
  });
}
