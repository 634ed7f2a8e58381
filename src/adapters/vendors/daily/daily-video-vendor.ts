import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';

import type {
  NewVendorMeeting,
  VendorCall,
  VendorConnection,
  VendorMeeting,
  VendorMeetingRef,
  VendorTokens,
  VideoVendor,
} from '../../../application/ports/video-vendor.js';
import type { VendorError } from '../../../domain/errors.js';
import type { VendorId } from '../../../domain/ids.js';
import type { MeetingDetails } from '../../../domain/meeting-details.js';
import { derivedRoomName } from '../kit/room-names.js';
import { DomainAnswer, RoomAnswer } from './daily-codecs.js';
import type { DailyConfig } from './daily-config.js';
import { type DailyAnswer, DailyHttp, type DailyRequest, decodeAnswer, type KeySource } from './daily-http.js';

export const DAILY_VENDOR_ID = 'daily' as VendorId;

const MINUTE_MS = 60_000;
/** What an API key can be sent as: a header value of visible ASCII. */
const KEY_SHAPE = /^[\x21-\x7e]+$/;

/**
 * Daily rooms (`https://api.daily.co/v1`). A room is public (anyone with its unguessable URL
 * enters) and open only for the meeting's window: `nbf` = start − early, `exp` = end + late.
 * Keyed either for the whole deployment (`DAILY_API_KEY`: nothing to connect) or per user, who
 * pastes their account's key at install (`account_key`; it comes back as `VendorCall.accessToken`).
 *
 * A room's name is derived from our meeting id, keyed with the API key that makes it
 * (`derivedRoomName`): unguessable to anyone without the key, yet known to us before Daily answers.
 * So a create whose answer was lost is found exactly (`findCreated`), and a create sent again for
 * the same meeting gets the room the first one made instead of a second room.
 */
export class DailyVideoVendor implements VideoVendor {
  readonly id = DAILY_VENDOR_ID;
  readonly displayName = 'Daily';
  readonly connection: VendorConnection;
  private readonly http: DailyHttp;

  constructor(private readonly config: DailyConfig) {
    this.http = new DailyHttp(config.apiUrl, config.timeoutMs);
    this.connection =
      config.apiKey === undefined
        ? {
            kind: 'account_key',
            keyLabel: 'Daily API key',
            keyHelp: 'In the Daily dashboard: Developers, API keys.',
            validateKey: (key, signal) => () => this.validateKey(key, signal),
          }
        : { kind: 'none' };
  }

  createMeeting(call: VendorCall, input: NewVendorMeeting): TE.TaskEither<VendorError, VendorMeeting> {
    return async () => {
      const key = this.keyFor(call);
      if (E.isLeft(key)) return key;
      const name = roomName(input, key.right.key);
      const body = { name, privacy: 'public', properties: this.window(input.details) };
      const answer = await this.http.send({ method: 'POST', path: '/rooms', body, ...key.right }, call.signal);
      if (E.isLeft(answer)) {
        // Daily refuses a name that is taken with the same 400 as any other bad request (only its
        // free text differs), so the room is looked up: if it is there, an earlier create for this
        // very meeting made it, and this one is answered with that room. Otherwise the refusal stands.
        if (answer.left._tag !== 'VendorRejected') return answer;
        const existing = await this.room(name, key.right, call.signal);
        return E.isRight(existing) ? E.right(meetingOf(existing.right)) : answer;
      }
      const room = decodeAnswer('POST /rooms', answer.right, RoomAnswer);
      if (E.isLeft(room)) return room;
      return E.right(meetingOf(room.right));
    };
  }

  /** Only the window moves: Daily rooms have no topic. */
  updateMeeting(call: VendorCall, ref: VendorMeetingRef, details: MeetingDetails): TE.TaskEither<VendorError, void> {
    return async () => {
      const answer = await this.send(call, {
        method: 'POST',
        path: roomPath(ref.vendorRef),
        body: { properties: this.window(details) },
        addressesRoom: true,
      });
      return E.isLeft(answer) ? answer : E.right(undefined);
    };
  }

  deleteMeeting(call: VendorCall, ref: VendorMeetingRef): TE.TaskEither<VendorError, void> {
    return async () => {
      const answer = await this.send(call, { method: 'DELETE', path: roomPath(ref.vendorRef), addressesRoom: true });
      // Already gone at Daily is what the caller wanted.
      if (E.isLeft(answer)) return answer.left._tag === 'VendorMeetingGone' ? E.right(undefined) : answer;
      return E.right(undefined);
    };
  }

  /**
   * The room a create for `input` made, if Daily has it: its name is known without Daily's answer
   * (derived from the meeting id and the key), so this is one `GET /rooms/<name>`, exact. `since` is
   * not needed. A room made with a key since replaced is not found (its name came from the old key).
   */
  findCreated(call: VendorCall, input: NewVendorMeeting, _since: Date): TE.TaskEither<VendorError, readonly string[]> {
    return async () => {
      const key = this.keyFor(call);
      if (E.isLeft(key)) return key;
      const room = await this.room(roomName(input, key.right.key), key.right, call.signal);
      if (E.isRight(room)) return E.right([room.right.name]);
      return room.left._tag === 'VendorMeetingGone' ? E.right([]) : room;
    };
  }

  /** `GET /rooms/<name>`: the room, or `VendorMeetingGone` when Daily has none by that name. */
  private async room(
    name: string,
    key: { key: string; keySource: KeySource },
    signal: AbortSignal,
  ): Promise<E.Either<VendorError, RoomAnswer>> {
    const path = roomPath(name);
    const answer = await this.http.send({ method: 'GET', path, addressesRoom: true, ...key }, signal);
    if (E.isLeft(answer)) return answer;
    return decodeAnswer(`GET ${path}`, answer.right, RoomAnswer);
  }

  /** `GET /` answers 200 with the domain's configuration for a valid key. */
  private async validateKey(pasted: string, signal: AbortSignal): Promise<E.Either<VendorError, VendorTokens>> {
    const key = pasted.trim();
    if (!KEY_SHAPE.test(key)) {
      return E.left({ _tag: 'VendorTokenRejected', message: 'that is not a Daily API key: it is empty or has spaces or unusual characters' });
    }
    const answer = await this.http.send({ method: 'GET', path: '/', key, keySource: 'link' }, signal);
    if (E.isLeft(answer)) return answer;
    const domain = decodeAnswer('GET /', answer.right, DomainAnswer);
    if (E.isLeft(domain)) return domain;
    const name = domain.right.domain_name;
    return E.right({ accessToken: key, ...(name === undefined || name === '' ? {} : { vendorUserId: name }) });
  }

  private async send(
    call: VendorCall,
    request: Omit<DailyRequest, 'key' | 'keySource'>,
  ): Promise<E.Either<VendorError, DailyAnswer>> {
    const key = this.keyFor(call);
    if (E.isLeft(key)) return key;
    return this.http.send({ ...request, ...key.right }, call.signal);
  }

  private keyFor(call: VendorCall): E.Either<VendorError, { key: string; keySource: KeySource }> {
    if (this.config.apiKey !== undefined) return E.right({ key: this.config.apiKey, keySource: 'deployment' });
    const key = call.accessToken;
    if (key === undefined || key === '') {
      return E.left({
        _tag: 'VendorAuthorizationRevoked',
        message: 'no Daily API key for this link: the user has to install again with a valid key',
      });
    }
    return E.right({ key, keySource: 'link' });
  }

  /** The room's opening hours, in epoch seconds. */
  private window(details: MeetingDetails): { nbf: number; exp: number } {
    const start = details.start.getTime();
    const end = start + details.durationMinutes * MINUTE_MS;
    return {
      nbf: Math.floor((start - this.config.joinEarlyMinutes * MINUTE_MS) / 1000),
      exp: Math.floor((end + this.config.joinLateMinutes * MINUTE_MS) / 1000),
    };
  }
}

const roomPath = (name: string): string => `/rooms/${encodeURIComponent(name)}`;

const roomName = (input: NewVendorMeeting, key: string): string => derivedRoomName(input.details.topic, input.meetingId, key);

const meetingOf = (room: RoomAnswer): VendorMeeting => ({ vendorRef: room.name, joinUrl: room.url });
