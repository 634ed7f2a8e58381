import { createPrivateKey } from 'node:crypto';

import * as E from 'fp-ts/lib/Either.js';

import { serviceUrl } from '../config-values.js';
import type { VendorEnvironment } from '../vendor-plugin.js';

/**
 * How rooms are entered:
 * - `public`: meet.jit.si-style rooms anyone with the URL opens, no token;
 * - `jaas`: 8x8 Jitsi as a Service, RS256 tokens signed with the tenant's private key;
 * - `selfhosted`: a Jitsi server with Prosody token auth, HS256 tokens with the app secret.
 */
export type JitsiAuth =
  | { readonly mode: 'public' }
  | {
      readonly mode: 'jaas';
      /** The tenant, `vpaas-magic-cookie-...`: the token's `sub` and the rooms' first path segment. */
      readonly appId: string;
      /** The token header's `kid`. */
      readonly apiKeyId: string;
      /** PKCS#8 PEM, already checked to be a readable RSA private key. */
      readonly privateKeyPem: string;
    }
  | {
      readonly mode: 'selfhosted';
      readonly appId: string;
      readonly appSecret: string;
      /** The token's `aud`; Prosody's default is the app id. */
      readonly audience: string;
      /** The token's `sub`: the lowercase host name rooms live on. */
      readonly subject: string;
    };

export type JitsiMode = JitsiAuth['mode'];

/** What a Jitsi deployment needs, decoded from the environment. */
export interface JitsiConfig {
  readonly auth: JitsiAuth;
  /** The Jitsi server rooms live on, no trailing slash. */
  readonly baseUrl: string;
  /** Where this deployment is reached: token modes hand out `{publicBaseUrl}/j/<room>`. */
  readonly publicBaseUrl: string;
  /**
   * `everyone`: whoever opens the one join link may moderate (someone must, for the meeting to
   * start); `none`: nobody gets moderator rights from us.
   */
  readonly moderator: 'everyone' | 'none';
  /** The token window is [start − early, end + late]. */
  readonly joinEarlyMinutes: number;
  readonly joinLateMinutes: number;
}

export const JITSI_DEFAULTS = {
  JITSI_MODE: 'public',
  JITSI_BASE_URL: 'https://meet.jit.si',
  JITSI_BASE_URL_JAAS: 'https://8x8.vc',
  JITSI_MODERATOR: 'everyone',
  JITSI_JOIN_EARLY_MINUTES: 15,
  JITSI_JOIN_LATE_MINUTES: 60,
} as const;

/** A week either side is far more than any meeting needs. */
const WINDOW_MAX_MINUTES = 7 * 24 * 60;
/** jose refuses RS256 keys under 2048 bits; say so at start rather than at the first join. */
const RSA_MIN_BITS = 2048;

export const JITSI_VARIABLES = [
  'JITSI_MODE',
  'JITSI_BASE_URL',
  'JITSI_MODERATOR',
  'JITSI_JOIN_EARLY_MINUTES',
  'JITSI_JOIN_LATE_MINUTES',
  'JAAS_APP_ID',
  'JAAS_API_KEY_ID',
  'JAAS_PRIVATE_KEY',
  'JITSI_APP_ID',
  'JITSI_APP_SECRET',
  'JITSI_TOKEN_AUDIENCE',
] as const;

const MODES: readonly JitsiMode[] = ['public', 'jaas', 'selfhosted'];

/**
 * One line per missing or invalid variable, all at once. Secrets (the app secret, the private key)
 * are only ever said to be missing or unreadable, never shown.
 */
export function decodeJitsiConfig({ env, production, publicBaseUrl }: VendorEnvironment): E.Either<readonly string[], JitsiConfig> {
  const problems: string[] = [];
  const given = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };

  const modeValue = given('JITSI_MODE') ?? JITSI_DEFAULTS.JITSI_MODE;
  const mode = MODES.find((m) => m === modeValue);
  if (mode === undefined) {
    problems.push(`JITSI_MODE must be one of ${MODES.join(', ')} (got ${JSON.stringify(modeValue)})`);
  }

  const required = (name: string): string => {
    const value = given(name);
    if (value === undefined) problems.push(`${name} is required when JITSI_MODE=${mode ?? modeValue}`);
    return value ?? '';
  };

  const baseUrl = ((): { url: string; host: string } | undefined => {
    const value = given('JITSI_BASE_URL');
    if (value === undefined) {
      if (mode === 'selfhosted') {
        problems.push('JITSI_BASE_URL is required when JITSI_MODE=selfhosted');
        return undefined;
      }
      const fallback = mode === 'jaas' ? JITSI_DEFAULTS.JITSI_BASE_URL_JAAS : JITSI_DEFAULTS.JITSI_BASE_URL;
      return { url: fallback, host: new URL(fallback).hostname };
    }
    const checked = serviceUrl('JITSI_BASE_URL', value, production);
    if (E.isLeft(checked)) {
      problems.push(checked.left);
      return undefined;
    }
    return checked.right;
  })();

  const moderatorValue = given('JITSI_MODERATOR') ?? JITSI_DEFAULTS.JITSI_MODERATOR;
  if (moderatorValue !== 'everyone' && moderatorValue !== 'none') {
    problems.push(`JITSI_MODERATOR must be everyone or none (got ${JSON.stringify(moderatorValue)})`);
  }

  const minutes = (name: string, fallback: number): number => {
    const value = given(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!/^\d+$/.test(value) || n > WINDOW_MAX_MINUTES) {
      problems.push(`${name} must be a whole number of minutes from 0 to ${WINDOW_MAX_MINUTES} (got ${JSON.stringify(value)})`);
      return fallback;
    }
    return n;
  };
  const joinEarlyMinutes = minutes('JITSI_JOIN_EARLY_MINUTES', JITSI_DEFAULTS.JITSI_JOIN_EARLY_MINUTES);
  const joinLateMinutes = minutes('JITSI_JOIN_LATE_MINUTES', JITSI_DEFAULTS.JITSI_JOIN_LATE_MINUTES);

  let auth: JitsiAuth | undefined;
  switch (mode) {
    case undefined:
      break;
    case 'public':
      auth = { mode };
      break;
    case 'jaas': {
      const appId = required('JAAS_APP_ID');
      const apiKeyId = required('JAAS_API_KEY_ID');
      const pem = given('JAAS_PRIVATE_KEY');
      let privateKeyPem = '';
      if (pem === undefined) problems.push('JAAS_PRIVATE_KEY is required when JITSI_MODE=jaas');
      else {
        privateKeyPem = normalizePem(pem);
        const unreadable = checkRsaPkcs8(privateKeyPem);
        if (unreadable !== undefined) problems.push(`JAAS_PRIVATE_KEY ${unreadable}`);
      }
      auth = { mode, appId, apiKeyId, privateKeyPem };
      break;
    }
    case 'selfhosted': {
      const appId = required('JITSI_APP_ID');
      const appSecret = required('JITSI_APP_SECRET');
      auth = { mode, appId, appSecret, audience: given('JITSI_TOKEN_AUDIENCE') ?? appId, subject: baseUrl?.host ?? '' };
      break;
    }
  }

  if (problems.length > 0 || auth === undefined || baseUrl === undefined) return E.left(problems);
  return E.right({
    auth,
    baseUrl: baseUrl.url,
    publicBaseUrl: publicBaseUrl.replace(/\/+$/, ''),
    moderator: moderatorValue === 'none' ? 'none' : 'everyone',
    joinEarlyMinutes,
    joinLateMinutes,
  });
}

/** Environment values often carry a PEM on one line with `\n` escapes. */
function normalizePem(value: string): string {
  return `${value.replace(/\\r/g, '').replace(/\\n/g, '\n').replace(/\r\n/g, '\n').trim()}\n`;
}

/** Why the PEM cannot sign RS256 tokens with jose's `importPKCS8`, or undefined when it can. */
function checkRsaPkcs8(pem: string): string | undefined {
  const WHAT = 'must be an RSA private key in PKCS#8 PEM form (-----BEGIN PRIVATE KEY-----)';
  if (!pem.startsWith('-----BEGIN PRIVATE KEY-----')) {
    const pkcs1 = pem.startsWith('-----BEGIN RSA PRIVATE KEY-----');
    return `${WHAT}${pkcs1 ? '; convert a PKCS#1 key with: openssl pkcs8 -topk8 -nocrypt' : ''}`;
  }
  try {
    const key = createPrivateKey({ key: pem, format: 'pem' });
    if (key.asymmetricKeyType !== 'rsa') return `${WHAT}; it is a ${key.asymmetricKeyType ?? 'non-RSA'} key`;
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < RSA_MIN_BITS) return `${WHAT} of at least ${RSA_MIN_BITS} bits; it has ${bits}`;
    return undefined;
  } catch {
    return `${WHAT}; it could not be read`;
  }
}
