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
import { newRoomName } from '../kit/room-names.js';
import type { JitsiAccess } from './jitsi-access.js';

export const JITSI_VENDOR_ID = 'jitsi' as VendorId;

/**
 * Jitsi has no meeting API: a room exists when someone opens its URL. Creating a meeting is
 * choosing an unguessable room name (the vendor reference); updating and deleting call nobody,
 * since the application stores the new window or the deleted state, which the join route reads.
 *
 * No password (Jitsi cannot preset one) and no invitation of its own (the default one has the
 * topic, UTC start, duration and join link).
 */
export class JitsiVideoVendor implements VideoVendor {
  readonly id = JITSI_VENDOR_ID;
  readonly displayName = 'Jitsi Meet';
  readonly connection = { kind: 'none' } as const;

  constructor(private readonly access: JitsiAccess) {}

  createMeeting(call: VendorCall, input: NewVendorMeeting): TE.TaskEither<VendorError, VendorMeeting> {
    return local(call.signal, () => {
      const room = newRoomName(input.details.topic);
      return { vendorRef: room, joinUrl: this.access.joinUrl(room) };
    });
  }

  updateMeeting(call: VendorCall, _ref: VendorMeetingRef, _details: MeetingDetails): TE.TaskEither<VendorError, void> {
    return local(call.signal, () => undefined);
  }

  deleteMeeting(call: VendorCall, _ref: VendorMeetingRef): TE.TaskEither<VendorError, void> {
    return local(call.signal, () => undefined);
  }

  /**
   * Always empty: a create leaves nothing at Jitsi. It calls nobody; a room comes into being only
   * when someone opens its URL, and the name of a room whose create was never stored reached no one
   * (in the token modes our `/j/<room>` would not even find a meeting for it). There is nothing to
   * delete.
   */
  findCreated(call: VendorCall, _input: NewVendorMeeting, _since: Date): TE.TaskEither<VendorError, readonly string[]> {
    return local(call.signal, () => []);
  }
}

/** Work with no remote side: it cannot fail, but a call whose budget is already spent still ends as one. */
function local<A>(signal: AbortSignal, succeed: () => A): TE.TaskEither<VendorError, A> {
  return () =>
    Promise.resolve(
      signal.aborted
        ? E.left({ _tag: 'VendorTimeout', message: 'the call’s budget was spent before it started' })
        : E.right(succeed()),
    );
}
