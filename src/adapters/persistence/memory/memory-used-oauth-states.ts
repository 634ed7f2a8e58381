import type * as TE from 'fp-ts/lib/TaskEither.js';

import type { Clock } from '../../../application/ports/clock.js';
import type { UsedOAuthStates } from '../../../application/ports/oauth-state.js';
import type { StoreUnavailable } from '../../../domain/errors.js';
import { later } from './lazy.js';

const systemTime: Clock = { now: () => new Date() };

/**
 * Used OAuth states in this process's memory: for development and tests; lost on restart (and not
 * shared between processes, so single use holds per process only). An entry is forgotten once its
 * state has expired, as the Mongo adapter's TTL index does, so memory holds only the states of the
 * last few minutes.
 */
export class MemoryUsedOAuthStates implements UsedOAuthStates {
  /** State id → when it expires (epoch ms). */
  private readonly expiries = new Map<string, number>();

  constructor(private readonly clock: Clock = systemTime) {}

  consume(id: string, expiresAt: Date): TE.TaskEither<StoreUnavailable, boolean> {
    return later(() => {
      this.forgetExpired();
      if (this.expiries.has(id)) return false;
      this.expiries.set(id, expiresAt.getTime());
      return true;
    });
  }

  /** How many states are remembered; for tests of the forgetting. */
  get size(): number {
    return this.expiries.size;
  }

  // A sweep per consume: states are issued one per install redirect, so the map stays small and a
  // timer (which would need stopping) is not worth it.
  private forgetExpired(): void {
    const now = this.clock.now().getTime();
    for (const [id, expiresAt] of this.expiries) {
      if (expiresAt <= now) this.expiries.delete(id);
    }
  }
}
