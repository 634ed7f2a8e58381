import { randomUUID } from 'node:crypto';

import { expect } from 'chai';

import type { UsedOAuthStates } from '../../src/application/ports/oauth-state.js';
import { expectRight } from '../support/either.js';

export interface UsedOAuthStatesSubject {
  readonly states: UsedOAuthStates;
  cleanup(): Promise<void>;
}

/**
 * The promises of `UsedOAuthStates` that every adapter keeps. `make` must return an empty store, a
 * fresh one for every test.
 *
 * Only states that have not expired are covered: the state verifier refuses an expired state before
 * anything consumes it, so what `consume` answers for an expired id is left to each adapter (the
 * Mongo TTL monitor deletes it within about a minute, the memory adapter at its next call). Adapters
 * may forget expired ids; they must never forget one that is still valid.
 */
export function describeUsedOAuthStatesContract(name: string, make: () => Promise<UsedOAuthStatesSubject>): void {
  describe(`${name}: UsedOAuthStates contract`, () => {
    let states: UsedOAuthStates;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      const subject = await make();
      states = subject.states;
      cleanup = subject.cleanup;
    });

    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    /** Valid for ten more minutes of real time: adapters expire against the wall clock. */
    const validUntil = (): Date => new Date(Date.now() + 10 * 60_000);
    const aStateId = (): string => randomUUID();

    it('answers true the first time an id is consumed, false the second time', async () => {
      const id = aStateId();

      expect(expectRight(await states.consume(id, validUntil())())).to.equal(true);
      expect(expectRight(await states.consume(id, validUntil())())).to.equal(false);
    });

    it('answers false every later time, whatever expiry the caller gives', async () => {
      const id = aStateId();
      const expiresAt = validUntil();
      expectRight(await states.consume(id, expiresAt)());

      expect(expectRight(await states.consume(id, expiresAt)())).to.equal(false);
      expect(expectRight(await states.consume(id, new Date(expiresAt.getTime() + 60_000))())).to.equal(false);
      expect(expectRight(await states.consume(id, validUntil())())).to.equal(false);
    });

    it('keeps ids apart: another id is consumed for the first time', async () => {
      const id = aStateId();
      expectRight(await states.consume(id, validUntil())());

      expect(expectRight(await states.consume(aStateId(), validUntil())())).to.equal(true);
      expect(expectRight(await states.consume(id.toUpperCase(), validUntil())())).to.equal(true);
    });

    it('answers true to exactly one of ten concurrent consumers of one id', async () => {
      const id = aStateId();
      const expiresAt = validUntil();

      const answers = await Promise.all(
        Array.from({ length: 10 }, async () => expectRight(await states.consume(id, expiresAt)())),
      );

      expect(answers.filter((answer) => answer)).to.have.length(1);
      expect(expectRight(await states.consume(id, expiresAt)())).to.equal(false);
    });

    it('does nothing until the consume task runs', async () => {
      const id = aStateId();

      const task = states.consume(id, validUntil());
      expect(expectRight(await states.consume(id, validUntil())())).to.equal(true);

      expect(expectRight(await task())).to.equal(false);
    });
  });
}
