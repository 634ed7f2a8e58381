import * as t from 'io-ts';

/** The shapes of Daily's answers, as far as this app reads them; other fields are ignored. */

export interface DailyRoomNameBrand {
  readonly DailyRoomName: unique symbol;
}
const RoomName = t.brand(
  t.string,
  (s): s is t.Branded<string, DailyRoomNameBrand> => /^[A-Za-z0-9_-]{1,128}$/.test(s),
  'DailyRoomName',
);

export interface DailyWebUrlBrand {
  readonly DailyWebUrl: unique symbol;
}
/** An absolute http(s) URL: what a join link must be for Pipedrive to show it. */
const WebUrl = t.brand(
  t.string,
  (s): s is t.Branded<string, DailyWebUrlBrand> => {
    const url = URL.canParse(s) ? new URL(s) : undefined;
    return url !== undefined && (url.protocol === 'https:' || url.protocol === 'http:');
  },
  'DailyWebUrl',
);

/** `POST /rooms` and `GET /rooms/<name>` 200. */
export const RoomAnswer = t.type({ name: RoomName, url: WebUrl });
export type RoomAnswer = t.TypeOf<typeof RoomAnswer>;

/** `GET /` 200: the domain's configuration. */
export const DomainAnswer = t.partial({ domain_name: t.string });

/** Daily's refusal: `{"error": "invalid-request-error", "info": "..."}`. */
export const ErrorAnswer = t.partial({ error: t.string, info: t.string });
