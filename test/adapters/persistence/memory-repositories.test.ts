import { expect } from 'chai';

import { MemoryLinkRepository } from '../../../src/adapters/persistence/memory/memory-link-repository.js';
import { MemoryMeetingRepository } from '../../../src/adapters/persistence/memory/memory-meeting-repository.js';
import { MemoryUsedOAuthStates } from '../../../src/adapters/persistence/memory/memory-used-oauth-states.js';
import { describeLinkRepositoryContract } from '../../contract/link-repository.contract.js';
import { describeMeetingRepositoryContract } from '../../contract/meeting-repository.contract.js';
import { describeUsedOAuthStatesContract } from '../../contract/used-oauth-states.contract.js';
import { describePendingCreatesContract } from '../../contract/pending-creates.contract.js';
import { describeCreateClaimsContract } from '../../contract/create-claims.contract.js';
import { MemoryPendingCreates } from '../../../src/adapters/persistence/memory/memory-pending-creates.js';
import { MemoryCreateClaims } from '../../../src/adapters/persistence/memory/memory-create-claims.js';
import { expectRight } from '../../support/either.js';
import { T0 } from '../../support/fixtures.js';

const nothingToClean = (): Promise<void> => Promise.resolve();

describeLinkRepositoryContract('MemoryLinkRepository', () =>
  Promise.resolve({ repo: new MemoryLinkRepository(), cleanup: nothingToClean }),
);

describeMeetingRepositoryContract('MemoryMeetingRepository', () =>
  Promise.resolve({ repo: new MemoryMeetingRepository(), cleanup: nothingToClean }),
);

describeUsedOAuthStatesContract('MemoryUsedOAuthStates', () =>
  Promise.resolve({ states: new MemoryUsedOAuthStates(), cleanup: nothingToClean }),
);

describePendingCreatesContract('MemoryPendingCreates', () =>
  Promise.resolve({ pending: new MemoryPendingCreates(), cleanup: nothingToClean }),
);

describeCreateClaimsContract('MemoryCreateClaims', () =>
  Promise.resolve({ claims: new MemoryCreateClaims(), cleanup: nothingToClean }),
);

describe('MemoryCreateClaims, memory only', () => {
  it('sweeps expired claims as new ones come, so memory holds about one window of them', async () => {
    const claims = new MemoryCreateClaims();
    const at = (ms: number): Date => new Date(T0.getTime() + ms);
    for (let i = 0; i < 1_500; i += 1) expectRight(await claims.claim(`old ${i}`, `m-old-${i}` as never, at(0), at(1_000))());
    for (let i = 0; i < 1_500; i += 1) expectRight(await claims.claim(`new ${i}`, `m-new-${i}` as never, at(5_000), at(65_000))());

    expect(claims.size).to.be.at.most(1_500 + 1_000);
    // The live ones are all still held.
    expect(expectRight(await claims.claim('new 1499', 'm-other' as never, at(5_001), at(65_001))())).to.deep.equal({
      _tag: 'Taken',
      meetingId: 'm-new-1499',
    });
  });
});

describe('MemoryUsedOAuthStates, memory only', () => {
  const minutes = (n: number): Date => new Date(T0.getTime() + n * 60_000);

  it('forgets a state once it has expired, so memory holds only valid ones', async () => {
    let now = minutes(0);
    const states = new MemoryUsedOAuthStates({ now: () => now });
    expectRight(await states.consume('early', minutes(10))());
    expectRight(await states.consume('late', minutes(20))());

    now = minutes(9);
    expect(expectRight(await states.consume('early', minutes(10))())).to.equal(false);
    expect(states.size).to.equal(2);

    now = minutes(10);
    expectRight(await states.consume('other', minutes(30))());
    expect(states.size).to.equal(2); // 'early' went, 'other' came

    now = minutes(30);
    expectRight(await states.consume('last', minutes(40))());
    expect(states.size).to.equal(1);
  });

  it('takes an expired id as new once forgotten (the verifier refuses expired states before)', async () => {
    let now = minutes(0);
    const states = new MemoryUsedOAuthStates({ now: () => now });
    expectRight(await states.consume('state', minutes(10))());

    now = minutes(11);

    expect(expectRight(await states.consume('state', minutes(10))())).to.equal(true);
  });
});
