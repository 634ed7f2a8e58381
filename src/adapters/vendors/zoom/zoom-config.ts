import * as E from 'fp-ts/lib/Either.js';

import { serviceUrl } from '../config-values.js';
import type { VendorEnvironment } from '../vendor-plugin.js';

/** What a Zoom deployment needs, decoded from the environment. */
export interface ZoomConfig {
  /** The Zoom OAuth app (user-level, authorization code). */
  readonly clientId: string;
  readonly clientSecret: string;
  /** Verifies Zoom's signed event notifications (`/webhooks/zoom`). */
  readonly webhookSecretToken: string;
  /** Zoom's OAuth server, no trailing slash: `https://zoom.us`. */
  readonly oauthUrl: string;
  /** Zoom's REST base, no trailing slash: `https://api.zoom.us/v2`. */
  readonly apiUrl: string;
  /**
   * Budget of one vendor call (retries included), well under Pipedrive's 10 s so that the reverse
   * API still answers in time when Zoom does not.
   */
  readonly timeoutMs: number;
}

export const ZOOM_DEFAULTS = {
  ZOOM_OAUTH_URL: 'https://zoom.us',
  ZOOM_API_URL: 'https://api.zoom.us/v2',
  ZOOM_TIMEOUT_MS: 7000,
} as const;

const TIMEOUT_MIN_MS = 100;
const TIMEOUT_MAX_MS = 60_000;

export const ZOOM_VARIABLES = [
  'ZOOM_CLIENT_ID',
  'ZOOM_CLIENT_SECRET',
  'ZOOM_WEBHOOK_SECRET_TOKEN',
  'ZOOM_OAUTH_URL',
  'ZOOM_API_URL',
  'ZOOM_TIMEOUT_MS',
] as const;

/**
 * One line per missing or invalid variable, all at once. Secrets are only ever said to be missing,
 * never shown; URLs and numbers are shown as given, since they are not secret.
 */
export function decodeZoomConfig({ env, production }: VendorEnvironment): E.Either<readonly string[], ZoomConfig> {
  const problems: string[] = [];
  const given = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const required = (name: string): string => {
    const value = given(name);
    if (value === undefined) problems.push(`${name} is required when VIDEO_VENDOR=zoom`);
    return value ?? '';
  };
  const url = (name: string, fallback: string): string => {
    const value = given(name) ?? fallback;
    const checked = serviceUrl(name, value, production);
    if (E.isLeft(checked)) {
      problems.push(checked.left);
      return fallback;
    }
    return checked.right.url;
  };
  const milliseconds = (name: string, fallback: number): number => {
    const value = given(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < TIMEOUT_MIN_MS || n > TIMEOUT_MAX_MS) {
      problems.push(
        `${name} must be a whole number of milliseconds from ${TIMEOUT_MIN_MS} to ${TIMEOUT_MAX_MS} (got ${JSON.stringify(value)})`,
      );
      return fallback;
    }
    return n;
  };

  const config: ZoomConfig = {
    clientId: required('ZOOM_CLIENT_ID'),
    clientSecret: required('ZOOM_CLIENT_SECRET'),
    webhookSecretToken: required('ZOOM_WEBHOOK_SECRET_TOKEN'),
    oauthUrl: url('ZOOM_OAUTH_URL', ZOOM_DEFAULTS.ZOOM_OAUTH_URL),
    apiUrl: url('ZOOM_API_URL', ZOOM_DEFAULTS.ZOOM_API_URL),
    timeoutMs: milliseconds('ZOOM_TIMEOUT_MS', ZOOM_DEFAULTS.ZOOM_TIMEOUT_MS),
  };
  return problems.length > 0 ? E.left(problems) : E.right(config);
}
