import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';

import { gated, MonitoredStoreGate } from '../../../src/adapters/persistence/mongo/store-gate.js';

const single = (type: string) => ({ type: 'Single', servers: new Map([['db:27017', { type }]]) });

describe('the store gate (fast 503s while MongoDB is away)', () => {
  it('is open for a serving topology and shut when no server can serve', () => {
    const gate = new MonitoredStoreGate();
    for (const [topology, down] of [
      [single('Standalone'), false],
      [single('Unknown'), true],
      [{ type: 'ReplicaSetWithPrimary', servers: new Map() }, false],
      [{ type: 'ReplicaSetNoPrimary', servers: new Map([['a', { type: 'RSSecondary' }]]) }, true],
      [{ type: 'Unknown', servers: new Map() }, true],
      [{ type: 'Sharded', servers: new Map() }, false],
    ] as const) {
      gate.observe(topology);
      expect(gate.isDown(), topology.type).to.equal(down);
    }
  });

  it('while shut, lets one call a second through, the probe that makes the driver look again', () => {
    let now = 10_000;
    const gate = new MonitoredStoreGate(1_000, () => now);
    gate.observe(single('Unknown'));

    expect([gate.admit(), gate.admit()]).to.deep.equal([true, false]);
    now += 999;
    expect(gate.admit()).to.equal(false);
    now += 1;
    expect(gate.admit()).to.equal(true);
    gate.observe(single('Standalone'));
    expect([gate.admit(), gate.admit()]).to.deep.equal([true, true]);
  });

  it('answers StoreUnavailable from a shut gate without running the task, and decides when the task runs', async () => {
    let ran = 0;
    const repository = {
      find: (id: string): TE.TaskEither<{ _tag: 'StoreUnavailable'; message: string }, string> => () => {
        ran += 1;
        return Promise.resolve(E.right(`found ${id}`));
      },
    };
    let open = true;
    const wrapped = gated(repository, { admit: () => open }, 'things');

    const task = wrapped.find('x'); // built while open
    open = false;
    expect(await task()).to.deep.equal(
      E.left({ _tag: 'StoreUnavailable', message: 'things.find not tried: the store is unreachable (its monitor says so)' }),
    );
    expect(ran).to.equal(0);
    open = true;
    expect(await task()).to.deep.equal(E.right('found x'));
    expect(ran).to.equal(1);
  });
});
