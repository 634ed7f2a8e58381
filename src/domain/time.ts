import type { StartTime } from './meeting-details.js';

/**
 * Pure conversions between Pipedrive's `YYYY-MM-DD HH:mm` (UTC) and instants. The most common
 * bug in meeting integrations is a wall-clock time sent without its zone, so every vendor gets its
 * time from here.
 */

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** The UTC instant a decoded start time names. */
export function startTimeToInstant(startTime: StartTime): Date {
  const [date, time] = startTime.split(' ') as [string, string];
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, mi));
}

/** `YYYY-MM-DD HH:mm` in UTC, seconds dropped: Pipedrive's own format. */
export function instantToStartTime(instant: Date): string {
  return (
    `${pad(instant.getUTCFullYear(), 4)}-${pad(instant.getUTCMonth() + 1)}-${pad(instant.getUTCDate())} ` +
    `${pad(instant.getUTCHours())}:${pad(instant.getUTCMinutes())}`
  );
}

/** `yyyy-MM-ddTHH:mm:ssZ`: ISO 8601 in UTC without milliseconds, the form vendor APIs (Zoom) expect. */
export function instantToIsoSeconds(instant: Date): string {
  return instant.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The instant a meeting ends. */
export function meetingEnd(start: Date, durationMinutes: number): Date {
  return new Date(start.getTime() + durationMinutes * 60_000);
}
