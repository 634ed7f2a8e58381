import * as t from 'io-ts';

/**
 * The shapes of Zoom's answers, as far as this app reads them (research 2.1 to 2.8). Codecs ignore
 * the fields they do not name: Zoom adds fields freely, and `start_url` (the host's link) is left
 * unread on purpose so that it can never travel further.
 */

export interface NonEmptyStringBrand {
  readonly NonEmptyString: unique symbol;
}
const NonEmptyString = t.brand(
  t.string,
  (s): s is t.Branded<string, NonEmptyStringBrand> => s.length > 0,
  'NonEmptyString',
);

export interface ZoomMeetingNumberBrand {
  readonly ZoomMeetingNumber: unique symbol;
}
/** A meeting id as digits: Zoom's ids are int64, so they are kept as text, never as a `number`. */
const ZoomMeetingNumber = t.brand(
  t.string,
  (s): s is t.Branded<string, ZoomMeetingNumberBrand> => /^\d{1,20}$/.test(s),
  'ZoomMeetingNumber',
);

export interface WebUrlBrand {
  readonly WebUrl: unique symbol;
}
/** An absolute http(s) URL: what a join link must be for Pipedrive to show it. */
const WebUrl = t.brand(
  t.string,
  (s): s is t.Branded<string, WebUrlBrand> => {
    const url = URL.canParse(s) ? new URL(s) : undefined;
    return url !== undefined && (url.protocol === 'https:' || url.protocol === 'http:');
  },
  'WebUrl',
);

/** `POST /users/me/meetings` 201, after {@link quoteMeetingIds}. */
export const CreatedMeetingAnswer = t.intersection([
  t.type({ id: ZoomMeetingNumber, join_url: WebUrl }),
  // Paid accounts may leave the passcode out, others send "" when there is none (research 1.6).
  t.partial({ password: t.string }),
]);
export type CreatedMeetingAnswer = t.TypeOf<typeof CreatedMeetingAnswer>;

export interface ZoomInstantBrand {
  readonly ZoomInstant: unique symbol;
}
/** An ISO 8601 date-time with its zone (`2026-06-15T18:30:00Z`), as Zoom writes `start_time` and `created_at`. */
const ZoomInstant = t.brand(
  t.string,
  (s): s is t.Branded<string, ZoomInstantBrand> =>
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)),
  'ZoomInstant',
);

/**
 * One meeting of `GET /users/me/meetings`. Only the id is always there: a recurring meeting with no
 * fixed time has no `start_time` (nor, then, a duration), and such a meeting is simply not one of ours.
 */
export const ListedMeeting = t.intersection([
  t.type({ id: ZoomMeetingNumber }),
  t.partial({ topic: t.string, start_time: ZoomInstant, duration: t.number, created_at: ZoomInstant }),
]);
export type ListedMeeting = t.TypeOf<typeof ListedMeeting>;

/**
 * `GET /users/me/meetings`, one page, after {@link quoteMeetingIds}. `meetings` is required: Zoom
 * sends `[]` for none, and an answer without it must not pass for "nothing there".
 * `next_page_token` is empty or absent on the last page.
 */
export const MeetingListAnswer = t.intersection([
  t.type({ meetings: t.array(ListedMeeting) }),
  t.partial({ next_page_token: t.string }),
]);

/** `GET /meetings/{id}/invitation`. */
export const InvitationAnswer = t.type({ invitation: NonEmptyString });

/** `GET /users/me`: Zoom's user ids are strings (`KdYKjnimT4KPd8FFgQt9FQ`). */
export const ZoomUserAnswer = t.type({ id: NonEmptyString });

/** `POST /oauth/token`, either grant. Zoom rotates refresh tokens: every answer carries a new one. */
export const TokenAnswer = t.intersection([
  t.type({ access_token: NonEmptyString }),
  t.partial({ refresh_token: NonEmptyString, expires_in: t.number }),
]);
export type TokenAnswer = t.TypeOf<typeof TokenAnswer>;

/** The API's refusal: `{code, message}` (validation errors add `errors`, not read). */
export const ApiErrorAnswer = t.intersection([t.type({ code: t.number }), t.partial({ message: t.string })]);

/** The OAuth server's refusal: `{reason: 'Invalid Token!', error: 'invalid_grant'}` and kin. */
export const OAuthErrorAnswer = t.partial({ error: t.string, reason: t.string, error_description: t.string });

/**
 * Quotes every numeric `"id"` of a JSON text, so that `JSON.parse` keeps an int64 meeting id exact
 * (98765432109876543 would otherwise come back as 98765432109876540). Only a key can be written
 * `"id"` followed by a colon: inside a JSON string the quotes would be escaped.
 */
export function quoteMeetingIds(json: string): string {
  return json.replace(/("id"\s*:\s*)(-?\d+)(?=\s*[,}\]])/g, '$1"$2"');
}
