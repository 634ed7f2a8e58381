import { expect } from 'chai';

import type { CreateClaims } from '../../src/application/ports/create-claims.js';
import { expectRight } from '../support/either.js';
import { aMeetingId } from '../support/fixtures.js';

export interface CreateClaimsSubject {
  readonly claims: CreateClaims;
  cleanup(): Promise<void>;
}

// Claims are swept by a TTL index once expired (mongomock sweeps at once), so the instants are
// around the real now: a claim in the past would vanish before the test reads it.
const BASE = Date.now();
const at = (ms: number): Date => new Date(BASE + ms);
// Keys as the use case makes them: long, with newlines and any characters of a topic.
const aKey = (): string => `${aMeetingId()}\n2026-12-01T15:00:00.000Z\n45\n${'Renewal call — ACME ✓ '.repeat(40)}`;

/** The promises of `CreateClaims` every adapter keeps; `make` returns an empty store. */
export function describeCreateClaimsContract(name: string, make: () => Promise<CreateClaimsSubject>): void {
  describe(`${name}: CreateClaims contract`, () => {
    let claims: CreateClaims;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ claims, cleanup } = await make());
    });

    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    it('gives a new key to the first claim and names that claim to later ones inside its window', async () => {
      const key = aKey();
      const first = aMeetingId();

      expect(expectRight(await claims.claim(key, first, at(0), at(60_000))())).to.deep.equal({ _tag: 'Claimed' });
      expect(expectRight(await claims.claim(key, aMeetingId(), at(59_999), at(120_000))())).to.deep.equal({
        _tag: 'Taken',
        meetingId: first,
      });
    });

    it('gives the key to a new claim once the window is over', async () => {
      const key = aKey();
      expectRight(await claims.claim(key, aMeetingId(), at(0), at(60_000))());
      const second = aMeetingId();

      expect(expectRight(await claims.claim(key, second, at(60_000), at(120_000))())).to.deep.equal({ _tag: 'Claimed' });
      expect(expectRight(await claims.claim(key, aMeetingId(), at(60_001), at(120_001))())).to.deep.equal({
        _tag: 'Taken',
        meetingId: second,
      });
    });

    it('keeps different keys apart', async () => {
      expectRight(await claims.claim(aKey(), aMeetingId(), at(0), at(60_000))());

      expect(expectRight(await claims.claim(aKey(), aMeetingId(), at(0), at(60_000))())).to.deep.equal({ _tag: 'Claimed' });
    });

    it('gives the key to exactly one of several claims made at once, and names it to the others', async () => {
      const key = aKey();
      const ids = Array.from({ length: 5 }, () => aMeetingId());

      const outcomes = await Promise.all(ids.map(async (id) => expectRight(await claims.claim(key, id, at(0), at(60_000))())));

      const winners = ids.filter((_, i) => outcomes[i]?._tag === 'Claimed');
      expect(winners).to.have.length(1);
      for (const outcome of outcomes.filter((o) => o._tag === 'Taken')) expect(outcome).to.deep.equal({ _tag: 'Taken', meetingId: winners[0] });
    });

    it('release frees the key only for the claim that holds it', async () => {
      const key = aKey();
      const first = aMeetingId();
      expectRight(await claims.claim(key, first, at(0), at(60_000))());

      expectRight(await claims.release(key, aMeetingId())());
      expect(expectRight(await claims.claim(key, aMeetingId(), at(1), at(60_001))())._tag).to.equal('Taken');

      expectRight(await claims.release(key, first)());
      expect(expectRight(await claims.claim(key, aMeetingId(), at(2), at(60_002))())._tag).to.equal('Claimed');
    });

    it('takeOver moves the key from its holder to a new claim, once', async () => {
      const key = aKey();
      const first = aMeetingId();
      const second = aMeetingId();
      expectRight(await claims.claim(key, first, at(0), at(60_000))());

      expect(expectRight(await claims.takeOver(key, first, second, at(70_000))())).to.equal(true);
      expect(expectRight(await claims.takeOver(key, first, aMeetingId(), at(70_000))())).to.equal(false);
      expect(expectRight(await claims.claim(key, aMeetingId(), at(65_000), at(90_000))())).to.deep.equal({
        _tag: 'Taken',
        meetingId: second,
      });
    });
  });
}
