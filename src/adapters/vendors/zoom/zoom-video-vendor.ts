import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';

import type { Clock } from '../../../application/ports/clock.js';
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
import { instantToIsoSeconds } from '../../../domain/time.js';
import { CreatedMeetingAnswer, InvitationAnswer, type ListedMeeting, MeetingListAnswer, quoteMeetingIds } from './zoom-codecs.js';
import type { ZoomConfig } from './zoom-config.js';
import {
  decodeAnswer,
  DEFAULT_RETRY_POLICY,
  ZoomBudget,
  ZoomHttp,
  type ZoomRequest,
  type ZoomRetryPolicy,
} from './zoom-http.js';
import { ZoomOAuthConnection } from './zoom-oauth.js';

export const ZOOM_VENDOR_ID = 'zoom' as VendorId;

/** Zoom refuses a longer topic (research 2.1). */
export const ZOOM_TOPIC_MAX_LENGTH = 200;

/** A scheduled meeting (not instant, not recurring). */
const SCHEDULED = 2;

/** Zoom's largest page of `GET /users/me/meetings`. */
export const LIST_PAGE_SIZE = 300;
/**
 * Pages read at most by one `findCreated` (15,000 meetings): past it, or if Zoom keeps handing out
 * page tokens, the search fails rather than claim that nothing is there.
 */
export const LIST_MAX_PAGES = 50;
/** How much earlier than `since` Zoom's `created_at` may say, for clocks that differ and its whole seconds. */
export const CREATED_SKEW_MS = 2 * 60_000;

/**
 * Zoom meetings for the user who connected their Zoom account (`/users/me`, user-level OAuth).
 * Every call carries the link's current access token (the application refreshes it); a refused
 * token is `VendorTokenRejected`, so the application can refresh once and try again.
 */
export class ZoomVideoVendor implements VideoVendor {
  readonly id = ZOOM_VENDOR_ID;
  readonly displayName = 'Zoom';
  readonly connection: ZoomOAuthConnection;
  private readonly http: ZoomHttp;

  constructor(
    private readonly config: ZoomConfig,
    clock: Clock,
    retry: ZoomRetryPolicy = DEFAULT_RETRY_POLICY,
  ) {
    this.http = new ZoomHttp(clock, retry);
    this.connection = new ZoomOAuthConnection(config, this.http);
  }

  /**
   * Creates the meeting, then asks for Zoom's invitation text. The invitation is a nicety: when it
   * cannot be had, the meeting is still created and the default invitation is used.
   */
  createMeeting(call: VendorCall, input: NewVendorMeeting): TE.TaskEither<VendorError, VendorMeeting> {
    return async () => {
      const budget = new ZoomBudget(call.signal, this.config.timeoutMs);
      const label = 'POST /users/me/meetings';
      const answer = await this.withToken(call, budget, (token) => ({
        ...this.apiRequest(token, 'POST', '/users/me/meetings'),
        body: JSON.stringify(meetingFields(input.details)),
        scope: 'meeting:write:meeting',
      }));
      if (E.isLeft(answer)) return answer;
      const created = decodeAnswer(label, answer.right, CreatedMeetingAnswer, quoteMeetingIds);
      if (E.isLeft(created)) return created;
      const { id, join_url, password } = created.right;
      const invitation = await this.invitation(call, id, budget);
      // Spelled out field by field: whatever else Zoom sent (start_url, the host's link) stays here.
      return E.right({
        vendorRef: id,
        joinUrl: join_url,
        ...(password === undefined || password === '' ? {} : { password }),
        ...(invitation === undefined ? {} : { invitation }),
      });
    };
  }

  updateMeeting(call: VendorCall, ref: VendorMeetingRef, details: MeetingDetails): TE.TaskEither<VendorError, void> {
    return async () => {
      const budget = new ZoomBudget(call.signal, this.config.timeoutMs);
      const path = meetingPath(ref.vendorRef);
      const answer = await this.withToken(call, budget, (token) => ({
        ...this.apiRequest(token, 'PATCH', path),
        body: JSON.stringify(meetingFields(details)),
        addressesMeeting: true,
        scope: 'meeting:update:meeting',
      }));
      return E.isLeft(answer) ? answer : E.right(undefined);
    };
  }

  deleteMeeting(call: VendorCall, ref: VendorMeetingRef): TE.TaskEither<VendorError, void> {
    return async () => {
      const budget = new ZoomBudget(call.signal, this.config.timeoutMs);
      const path = meetingPath(ref.vendorRef);
      const answer = await this.withToken(call, budget, (token) => ({
        ...this.apiRequest(token, 'DELETE', path),
        addressesMeeting: true,
        scope: 'meeting:delete:meeting',
      }));
      // Already deleted at Zoom is what the caller wanted.
      if (E.isLeft(answer)) return answer.left._tag === 'VendorMeetingGone' ? E.right(undefined) : answer;
      return E.right(undefined);
    };
  }

  /**
   * Zoom has no idempotency key and nowhere to carry our meeting id unseen, so what a create left is
   * found by matching: among the user's scheduled meetings (`GET /users/me/meetings?type=scheduled`,
   * every page; `scheduled` also lists meetings whose start has passed, which `upcoming` would miss),
   * those with the topic, start and duration this adapter sends for `input`, that Zoom says were
   * created no earlier than `since` less {@link CREATED_SKEW_MS}. Nothing else is excluded: our own
   * stored meetings may match too, and the reconciler skips those. Needs `meeting:read:list_meetings`.
   */
  findCreated(call: VendorCall, input: NewVendorMeeting, since: Date): TE.TaskEither<VendorError, readonly string[]> {
    return async () => {
      // One budget for every page, as for a create and its invitation.
      const budget = new ZoomBudget(call.signal, this.config.timeoutMs);
      const label = 'GET /users/me/meetings';
      const wanted = meetingFields(input.details);
      const earliest = since.getTime() - CREATED_SKEW_MS;
      const found = new Set<string>();
      let pageToken = '';
      for (let page = 1; page <= LIST_MAX_PAGES; page += 1) {
        const query = new URLSearchParams({ type: 'scheduled', page_size: String(LIST_PAGE_SIZE) });
        if (pageToken !== '') query.set('next_page_token', pageToken);
        const answer = await this.withToken(call, budget, (token) => ({
          ...this.apiRequest(token, 'GET', `/users/me/meetings?${query.toString()}`),
          label,
          scope: 'meeting:read:list_meetings',
        }));
        if (E.isLeft(answer)) return answer;
        const listed = decodeAnswer(`${label} (page ${page})`, answer.right, MeetingListAnswer, quoteMeetingIds);
        if (E.isLeft(listed)) return listed;
        for (const meeting of listed.right.meetings) {
          if (madeFrom(meeting, wanted, earliest)) found.add(meeting.id);
        }
        pageToken = listed.right.next_page_token ?? '';
        if (pageToken === '') return E.right([...found]);
      }
      return E.left({
        _tag: 'VendorUnavailable',
        message: `Zoom ${label} had more than ${LIST_MAX_PAGES} pages of ${LIST_PAGE_SIZE} meetings; the search stopped there`,
      });
    };
  }

  /** Zoom's invitation text, or undefined whatever went wrong. */
  private async invitation(call: VendorCall, meetingNumber: string, budget: ZoomBudget): Promise<string | undefined> {
    const path = `${meetingPath(meetingNumber)}/invitation`;
    const label = `GET ${path}`;
    const answer = await this.withToken(call, budget, (token) => ({
      ...this.apiRequest(token, 'GET', path),
      addressesMeeting: true,
      scope: 'meeting:read:invitation',
    }));
    if (E.isLeft(answer)) return undefined;
    const decoded = decodeAnswer(label, answer.right, InvitationAnswer);
    return E.isRight(decoded) ? decoded.right.invitation : undefined;
  }

  private async withToken(
    call: VendorCall,
    budget: ZoomBudget,
    request: (token: string) => ZoomRequest,
  ): Promise<E.Either<VendorError, { readonly status: number; readonly text: string }>> {
    const token = call.accessToken;
    if (token === undefined || token === '') {
      return E.left({
        _tag: 'VendorAuthorizationRevoked',
        message: 'no Zoom access token for this link: the user has to connect Zoom again',
      });
    }
    return this.http.send(request(token), budget);
  }

  private apiRequest(token: string, method: ZoomRequest['method'], path: string): ZoomRequest {
    return {
      server: 'api',
      method,
      url: `${this.config.apiUrl}${path}`,
      label: `${method} ${path}`,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(method === 'POST' || method === 'PATCH' ? { 'content-type': 'application/json' } : {}),
      },
      secrets: [token],
    };
  }
}

interface MeetingFields {
  readonly topic: string;
  readonly type: typeof SCHEDULED;
  readonly start_time: string;
  readonly duration: number;
  readonly timezone: 'UTC';
}

/** The fields create and update send: a scheduled meeting, its start in UTC with an explicit `Z`. */
function meetingFields(details: MeetingDetails): MeetingFields {
  return {
    topic: [...details.topic].slice(0, ZOOM_TOPIC_MAX_LENGTH).join(''),
    type: SCHEDULED,
    start_time: instantToIsoSeconds(details.start),
    duration: details.durationMinutes,
    timezone: 'UTC',
  };
}

/**
 * Whether a listed meeting is what a create that sent `sent` made: same topic, same start instant
 * (compared as instants, whatever zone Zoom writes it in), same duration, created at `earliest` or
 * later. A meeting without a start (recurring, no fixed time) or a creation date is never ours.
 */
function madeFrom(meeting: ListedMeeting, sent: MeetingFields, earliest: number): boolean {
  const { topic, start_time, duration, created_at } = meeting;
  return (
    topic === sent.topic &&
    start_time !== undefined &&
    Date.parse(start_time) === Date.parse(sent.start_time) &&
    duration === sent.duration &&
    created_at !== undefined &&
    Date.parse(created_at) >= earliest
  );
}

const meetingPath = (vendorRef: string): string => `/meetings/${encodeURIComponent(vendorRef)}`;
