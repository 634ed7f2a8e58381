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
import type { StubCall, StubFaults } from './stub-faults.js';

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
    const vendorRef = refOf(input.meetingId);
    return this.answer(
      { operation: 'create', meetingId: input.meetingId, vendorRef, topic: input.details.topic },
      call.signal,
      () => ({
        vendorRef,
        joinUrl: `${this.options.publicBaseUrl}/stub/meetings/${vendorRef}`,
        password: this.options.passcodes ? passcode(input.meetingId) : undefined,
      }),
    );
  }

  updateMeeting(call: VendorCall, ref: VendorMeetingRef, details: MeetingDetails): TE.TaskEither<VendorError, void> {
    return this.answer(
      { operation: 'update', meetingId: ref.meetingId, vendorRef: ref.vendorRef, topic: details.topic },
      call.signal,
      () => undefined,
    );
  }

  deleteMeeting(call: VendorCall, ref: VendorMeetingRef): TE.TaskEither<VendorError, void> {
    return this.answer({ operation: 'delete', meetingId: ref.meetingId, vendorRef: ref.vendorRef }, call.signal, () => undefined);
  }

  /** The stub's references follow from our meeting id, so what a create may have left is known exactly. */
  findCreated(call: VendorCall, input: NewVendorMeeting, _since: Date): TE.TaskEither<VendorError, readonly string[]> {
    return this.answer({ operation: 'findCreated', meetingId: input.meetingId }, call.signal, () => [refOf(input.meetingId)]);
  }

  private answer<A>(request: StubCall, signal: AbortSignal, succeed: () => A): TE.TaskEither<VendorError, A> {
    return async () => {
      if (signal.aborted) return E.left({ _tag: 'VendorTimeout', message: 'the call’s budget was spent before it started' });
      const fault = this.faults.take(request.operation);
      const done = (): A => {
        this.faults.calls.push(request);
        return succeed();
      };
      if (fault === undefined) return E.right(done());
      switch (fault.kind) {
        case 'crash':
          if (fault.at === 'after') done();
          // The drill: the process dies here, as a killed pod would, with nothing flushed or undone.
          process.kill(process.pid, 'SIGKILL');
          return await new Promise<never>(() => undefined);
        case 'fail':
          return E.left(fault.error);
        case 'hang':
          await aborted(signal);
          return E.left({ _tag: 'VendorTimeout', message: 'the stub vendor was told to hang' });
        case 'delay':
          await Promise.race([sleep(fault.ms), aborted(signal)]);
          return signal.aborted
            ? E.left({ _tag: 'VendorTimeout', message: 'the stub vendor was too slow' })
            : E.right(done());
      }
    };
  }
}

const refOf = (meetingId: string): string => `stub-${meetingId}`;

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
