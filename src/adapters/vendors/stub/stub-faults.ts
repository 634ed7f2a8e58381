import type { VendorError } from '../../../domain/errors.js';

/**
 * What the stub vendor should do instead of succeeding, for tests, demos and fault drills:
 * - `fail`: answer this tagged error, as a real vendor's adapter would;
 * - `hang`: never answer (until the call's signal aborts);
 * - `delay`: answer normally after `ms`;
 * - `crash`: the process dies on the spot (SIGKILL: no handler, no cleanup), after the vendor did
 *   its part (`after`: a meeting was made, its answer never arrives) or before (`before`). Only for
 *   drills of a whole process; armed through `STUB_FAULTS` (see `parseStubFaults`).
 */
export type StubFault =
  | { readonly kind: 'fail'; readonly error: VendorError }
  | { readonly kind: 'hang' }
  | { readonly kind: 'delay'; readonly ms: number }
  | { readonly kind: 'crash'; readonly at: 'before' | 'after' };

export type StubOperation = 'create' | 'update' | 'delete' | 'findCreated';

const OPERATIONS: readonly StubOperation[] = ['create', 'update', 'delete', 'findCreated'];

/** What the stub's remote side was asked, in order: a test's view of "the vendor". */
export interface StubCall {
  readonly operation: StubOperation;
  readonly meetingId: string;
  readonly vendorRef?: string;
  readonly topic?: string;
}

/**
 * A switchboard of queued faults per operation. Each queued fault is used by exactly one call, in
 * order; with none queued the stub succeeds. It is the stub's "remote side": tests arm it the way a
 * nock scope arms a real vendor's API.
 */
export class StubFaults {
  private readonly queued: Record<StubOperation, StubFault[]> = { create: [], update: [], delete: [], findCreated: [] };
  /** Every call that reached the stub's remote side and succeeded there. */
  readonly calls: StubCall[] = [];

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
    return OPERATIONS.reduce((sum, operation) => sum + this.queued[operation].length, 0);
  }

  clear(): void {
    for (const operation of OPERATIONS) this.queued[operation] = [];
    this.calls.length = 0;
  }
}

/**
 * Faults armed from the environment, for drills against a whole process:
 * `STUB_FAULTS=create:crash-after,update:hang,delete:delay-2000,create:fail-unavailable` queues,
 * in order, one fault per entry (`*N` repeats one: `create:hang*3`). Development only.
 */
export function parseStubFaults(raw: string): { faults: StubFaults } | { problems: string[] } {
  const faults = new StubFaults();
  const problems: string[] = [];
  for (const entry of raw.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    const match = /^(create|update|delete|findCreated):([a-z-]+?)(?:-(\d+))?(?:\*(\d+))?$/.exec(entry);
    const operation = match?.[1] as StubOperation | undefined;
    const fault = match === null ? undefined : faultNamed(match[2] ?? '', match[3]);
    if (operation === undefined || fault === undefined) {
      problems.push(
        `STUB_FAULTS: ${JSON.stringify(entry)} is not <create|update|delete|findCreated>:<crash-before|crash-after|hang|delay-MS|fail-unavailable|fail-rejected|fail-timeout>[*N]`,
      );
      continue;
    }
    faults.arm(operation, fault, Number(match?.[4] ?? '1'));
  }
  return problems.length > 0 ? { problems } : { faults };
}

function faultNamed(name: string, number: string | undefined): StubFault | undefined {
  const message = 'armed through STUB_FAULTS';
  if (number !== undefined) return name === 'delay' ? { kind: 'delay', ms: Number(number) } : undefined;
  switch (name) {
    case 'crash-before':
      return { kind: 'crash', at: 'before' };
    case 'crash-after':
      return { kind: 'crash', at: 'after' };
    case 'hang':
      return { kind: 'hang' };
    case 'fail-unavailable':
      return { kind: 'fail', error: { _tag: 'VendorUnavailable', message } };
    case 'fail-rejected':
      return { kind: 'fail', error: { _tag: 'VendorRejected', message } };
    case 'fail-timeout':
      return { kind: 'fail', error: { _tag: 'VendorTimeout', message } };
    default:
      return undefined;
  }
}
