import { createHash } from 'node:crypto';

import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';

import type {
  NewVendorMeeting,
  VendorCall,
  VendorMeeting,
  VendorMeetingRef,
  VideoVendor,
} from '../../../application/ports/video-vendor.js';
import type { VendorError } from '../../../domain/errors.js';
import type { VendorId } from '../../../domain/ids.js';
import type { MeetingDetails } from '../../../domain/meeting-details.js';
import type { StubFaults, StubOperation } from './stub-faults.js';

export const STUB_VENDOR_ID = 'stub' as VendorId;

export interface StubVendorOptions {
  /** Where this deployment is reached; join URLs point at its stub meeting page. */
  readonly publicBaseUrl: string;
  /** Whether meetings carry a passcode (so both shapes of Pipedrive's answer can be seen). */
  readonly passcodes: boolean;
}

/**
 * A vendor with no network and no state: the same meeting id always gives the same reference,
 * join URL and passcode. Its join URL is this deployment's own page for the meeting.
 *
 * It is the template for a new vendor: one class implementing `VideoVendor`, every failure a tagged
 * `VendorError` value, the call's `signal` honoured.
 */
export class StubVideoVendor implements VideoVendor {
  readonly id = STUB_VENDOR_ID;
  readonly displayName = 'Stub Video';
  readonly connection = { kind: 'none' } as const;

  constructor(
    private readonly options: StubVendorOptions,
    private readonly faults: StubFaults,
  ) {}

  createMeeting(call: VendorCall, input: NewVendorMeeting): TE.TaskEither<VendorError, VendorMeeting> {
    return this.answer('create', call.signal, () => {
      const vendorRef = `stub-${input.meetingId}`;
      return {
        vendorRef,
        joinUrl: `${this.options.publicBaseUrl}/stub/meetings/${vendorRef}`,
        password: this.options.passcodes ? passcode(input.meetingId) : undefined,
      };
    });
  }

  updateMeeting(call: VendorCall, _ref: VendorMeetingRef, _details: MeetingDetails): TE.TaskEither<VendorError, void> {
    return this.answer('update', call.signal, () => undefined);
  }

  deleteMeeting(call: VendorCall, _ref: VendorMeetingRef): TE.TaskEither<VendorError, void> {
    return this.answer('delete', call.signal, () => undefined);
  }

  /**
   * The stub keeps no meetings and the same meeting id always names the same reference, so what a
   * create for `input` may have left is that reference (deleting it is harmless when no create ran).
   */
  findCreated(call: VendorCall, input: NewVendorMeeting, _since: Date): TE.TaskEither<VendorError, readonly string[]> {
    return () =>
      Promise.resolve(
        call.signal.aborted
          ? E.left({ _tag: 'VendorTimeout', message: 'the call’s budget was spent before it started' })
          : E.right([`stub-${input.meetingId}`]),
      );
  }

  private answer<A>(operation: StubOperation, signal: AbortSignal, succeed: () => A): TE.TaskEither<VendorError, A> {
    return async () => {
      if (signal.aborted) return E.left({ _tag: 'VendorTimeout', message: 'the call’s budget was spent before it started' });
      const fault = this.faults.take(operation);
      if (fault === undefined) return E.right(succeed());
      switch (fault.kind) {
        case 'fail':
          return E.left(fault.error);
        case 'hang':
          await aborted(signal);
          return E.left({ _tag: 'VendorTimeout', message: 'the stub vendor was told to hang' });
        case 'delay':
          await Promise.race([sleep(fault.ms), aborted(signal)]);
          return signal.aborted
            ? E.left({ _tag: 'VendorTimeout', message: 'the stub vendor was too slow' })
            : E.right(succeed());
      }
    };
  }
}

/** Six digits derived from the meeting id: stable for the meeting, different between meetings. */
function passcode(meetingId: string): string {
  const n = createHash('sha256').update(meetingId).digest().readUInt32BE(0) % 1_000_000;
  return String(n).padStart(6, '0');
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
