import * as t from 'io-ts';

/**
 * The three values Pipedrive sends for a meeting, as branded codecs, and what each expects in
 * words (`EXPECTED`), which is what an API client reads when a value is refused.
 */

export const TOPIC_MAX_LENGTH = 500;
export const DURATION_MAX_MINUTES = 1440;

export interface TopicBrand {
  readonly Topic: unique symbol;
}
/**
 * The activity's subject. Non-empty once trimmed, at most {@link TOPIC_MAX_LENGTH} characters
 * (well above any vendor's own limit; each vendor cuts to its own).
 */
export const Topic = t.brand(
  t.string,
  (s): s is t.Branded<string, TopicBrand> =>
    s.trim().length > 0 && [...s].length <= TOPIC_MAX_LENGTH,
  'Topic',
);
export type Topic = t.TypeOf<typeof Topic>;

export interface StartTimeBrand {
  readonly StartTime: unique symbol;
}
const START_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/;

/** True when `s` is exactly `YYYY-MM-DD HH:mm` and names a minute that exists on the calendar. */
export function isCalendarStartTime(s: string): boolean {
  const m = START_TIME.exec(s);
  if (m === null) return false;
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (year < 1970 || month < 1 || month > 12 || hour > 23 || minute > 59) return false;
  // Date.UTC silently rolls 2026-02-30 over into March; a round trip catches that.
  const d = new Date(Date.UTC(year, month - 1, day, hour, minute));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** Pipedrive's start time: `YYYY-MM-DD HH:mm`, a real calendar minute, always read as UTC. */
export const StartTime = t.brand(
  t.string,
  (s): s is t.Branded<string, StartTimeBrand> => isCalendarStartTime(s),
  'StartTime',
);
export type StartTime = t.TypeOf<typeof StartTime>;

export interface DurationMinutesBrand {
  readonly DurationMinutes: unique symbol;
}
/** Length of the meeting: a whole number of minutes from 1 to {@link DURATION_MAX_MINUTES} (a day). */
export const DurationMinutes = t.brand(
  t.number,
  (n): n is t.Branded<number, DurationMinutesBrand> =>
    Number.isInteger(n) && n >= 1 && n <= DURATION_MAX_MINUTES,
  'DurationMinutes',
);
export type DurationMinutes = t.TypeOf<typeof DurationMinutes>;

/** What a meeting is about and when, once decoded: the vendor-neutral input of every vendor call. */
export interface MeetingDetails {
  readonly topic: Topic;
  /** The start as a UTC instant. */
  readonly start: Date;
  readonly durationMinutes: DurationMinutes;
}

/** What each codec expects, in the words an API client sees when its value is refused. */
export const EXPECTED: Readonly<Record<string, string>> = {
  Topic: `a non-empty text of at most ${TOPIC_MAX_LENGTH} characters`,
  StartTime: "a UTC date and time written 'YYYY-MM-DD HH:mm' that exists on the calendar",
  DurationMinutes: `a whole number of minutes from 1 to ${DURATION_MAX_MINUTES}`,
};
