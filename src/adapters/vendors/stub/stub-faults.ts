import type { VendorError } from '../../../domain/errors.js';

/**
 * What the stub vendor should do instead of succeeding, for tests, demos and fault drills:
 * - `fail`: answer this tagged error, as a real vendor's adapter would;
 * - `hang`: never answer (until the call's signal aborts);
 * - `delay`: answer normally after `ms`.
 */
export type StubFault =
  | { readonly kind: 'fail'; readonly error: VendorError }
  | { readonly kind: 'hang' }
  | { readonly kind: 'delay'; readonly ms: number };

export type StubOperation = 'create' | 'update' | 'delete';

/**
 * A switchboard of queued faults per operation. Each queued fault is used by exactly one call, in
 * order; with none queued the stub succeeds. It is the stub's "remote side": tests arm it the way a
 * nock scope arms a real vendor's API.
 */
export class StubFaults {
  private readonly queued: Record<StubOperation, StubFault[]> = { create: [], update: [], delete: [] };

  /** Queues `fault` for the next `times` calls of `operation`. */
  arm(operation: StubOperation, fault: StubFault, times = 1): void {
    for (let i = 0; i < times; i += 1) this.queued[operation].push(fault);
  }

  /** The fault for this call, if any; consumed. */
  take(operation: StubOperation): StubFault | undefined {
    return this.queued[operation].shift();
  }

  /** How many armed faults no call has used yet: a test's equivalent of `scope.done()`. */
  pending(): number {
    return this.queued.create.length + this.queued.update.length + this.queued.delete.length;
  }

  clear(): void {
    for (const operation of Object.keys(this.queued) as StubOperation[]) this.queued[operation] = [];
  }
}
