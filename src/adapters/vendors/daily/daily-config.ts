import * as E from 'fp-ts/lib/Either.js';

import { serviceUrl } from '../config-values.js';
import type { VendorEnvironment } from '../vendor-plugin.js';

/** What a Daily deployment needs, decoded from the environment. */
export interface DailyConfig {
  /** Daily's REST base, no trailing slash: `https://api.daily.co/v1`. */
  readonly apiUrl: string;
  /**
   * A key for the whole deployment: every call uses it and the user is asked for nothing. Without
   * it, each user pastes their own account's key at install.
   */
  readonly apiKey?: string;
  /** Budget of one vendor call, well under Pipedrive's 10 s. */
  readonly timeoutMs: number;
  /** A room opens `joinEarlyMinutes` before the start and closes `joinLateMinutes` after the end. */
  readonly joinEarlyMinutes: number;
  readonly joinLateMinutes: number;
}

export const DAILY_DEFAULTS = {
  DAILY_API_URL: 'https://api.daily.co/v1',
  DAILY_TIMEOUT_MS: 7000,
  DAILY_JOIN_EARLY_MINUTES: 15,
  DAILY_JOIN_LATE_MINUTES: 60,
} as const;

const TIMEOUT_MIN_MS = 100;
const TIMEOUT_MAX_MS = 60_000;
/** A week either side is far more than any meeting needs. */
const WINDOW_MAX_MINUTES = 7 * 24 * 60;

export const DAILY_VARIABLES = [
  'DAILY_API_URL',
  'DAILY_API_KEY',
  'DAILY_TIMEOUT_MS',
  'DAILY_JOIN_EARLY_MINUTES',
  'DAILY_JOIN_LATE_MINUTES',
] as const;

/** One line per invalid variable, all at once. The key is secret: it is never shown. */
export function decodeDailyConfig({ env, production }: VendorEnvironment): E.Either<readonly string[], DailyConfig> {
  const problems: string[] = [];
  const given = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const wholeNumber = (name: string, fallback: number, min: number, max: number, unit: string): number => {
    const value = given(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      problems.push(`${name} must be a whole number of ${unit} from ${min} to ${max} (got ${JSON.stringify(value)})`);
      return fallback;
    }
    return n;
  };

  const url = serviceUrl('DAILY_API_URL', given('DAILY_API_URL') ?? DAILY_DEFAULTS.DAILY_API_URL, production);
  if (E.isLeft(url)) problems.push(url.left);
  const apiKey = given('DAILY_API_KEY');
  if (apiKey !== undefined && !/^[\x21-\x7e]+$/.test(apiKey)) {
    problems.push('DAILY_API_KEY must be printable ASCII without spaces (it is not shown)');
  }
  const config: DailyConfig = {
    apiUrl: E.isRight(url) ? url.right.url : DAILY_DEFAULTS.DAILY_API_URL,
    ...(apiKey === undefined ? {} : { apiKey }),
    timeoutMs: wholeNumber('DAILY_TIMEOUT_MS', DAILY_DEFAULTS.DAILY_TIMEOUT_MS, TIMEOUT_MIN_MS, TIMEOUT_MAX_MS, 'milliseconds'),
    joinEarlyMinutes: wholeNumber('DAILY_JOIN_EARLY_MINUTES', DAILY_DEFAULTS.DAILY_JOIN_EARLY_MINUTES, 0, WINDOW_MAX_MINUTES, 'minutes'),
    joinLateMinutes: wholeNumber('DAILY_JOIN_LATE_MINUTES', DAILY_DEFAULTS.DAILY_JOIN_LATE_MINUTES, 0, WINDOW_MAX_MINUTES, 'minutes'),
  };
  return problems.length > 0 ? E.left(problems) : E.right(config);
}
