import * as E from 'fp-ts/lib/Either.js';

import { storeUnavailable } from '../../../domain/errors.js';

/**
 * Whether the store is worth asking right now. While the driver's own monitor says no server can
 * take our operations, every repository call answers `StoreUnavailable` at once instead of
 * waiting out server selection (seconds per request, with requests piling up behind it). One call
 * a second still goes through: it is what makes the driver look again, so service resumes as soon
 * as the server is back.
 */
export interface StoreGate {
  /** True when a call may go to the store now. */
  admit(): boolean;
}

export const OPEN_GATE: StoreGate = { admit: () => true };

/** The minimum the driver's topology events carry that the gate needs. */
export interface TopologyView {
  readonly type: string;
  readonly servers: ReadonlyMap<string, { readonly type: string }>;
}

/** Topologies in which writes to the primary can be served. */
const SERVING = new Set(['ReplicaSetWithPrimary', 'Sharded', 'LoadBalanced']);

/** Fed by the driver's `topologyDescriptionChanged` events; see `StoreGate`. */
export class MonitoredStoreGate implements StoreGate {
  private down = false;
  private lastProbe = 0;

  constructor(
    private readonly probeEveryMs = 1_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The topology as the driver now sees it. */
  observe(topology: TopologyView): void {
    this.down = !(
      SERVING.has(topology.type) ||
      (topology.type === 'Single' && [...topology.servers.values()].some((server) => server.type !== 'Unknown'))
    );
  }

  isDown(): boolean {
    return this.down;
  }

  admit(): boolean {
    if (!this.down) return true;
    const now = this.now();
    if (now - this.lastProbe < this.probeEveryMs) return false;
    this.lastProbe = now;
    return true;
  }
}

/**
 * `repository` with every method gated: a call made while the gate is shut answers
 * `StoreUnavailable` when its task runs, without touching the store. Every repository method
 * returns a TaskEither whose error side includes `StoreUnavailable`, which is what makes this
 * one wrapper fit them all.
 */
export function gated<R extends object>(repository: R, gate: StoreGate, name: string): R {
  return new Proxy(repository, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const task = (value as (...a: unknown[]) => () => Promise<unknown>).apply(target, args);
        return () =>
          gate.admit()
            ? task()
            : Promise.resolve(
                E.left(storeUnavailable(`${name}.${String(property)} not tried: the store is unreachable (its monitor says so)`)),
              );
      };
    },
  });
}
