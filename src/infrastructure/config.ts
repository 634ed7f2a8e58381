import * as E from 'fp-ts/lib/Either.js';

import { shownUrl } from '../adapters/vendors/config-values.js';
import type { VendorPlugin } from '../adapters/vendors/vendor-plugin.js';
import { DEFAULT_MEETING_SETTINGS } from '../application/meetings/meeting-collaborators.js';

/**
 * The deployment's configuration, decoded once from the environment at start. Every missing or
 * invalid variable is reported on its own line, all at once, so a deployer fixes them in one go.
 * Outside production every secret has a development default; with NODE_ENV=production none does.
 */
export interface AppConfig {
  readonly production: boolean;
  readonly port: number;
  readonly publicBaseUrl: string;
  readonly vendor: VendorPlugin;
  readonly vendorConfig: unknown;
  readonly pipedrive: {
    readonly clientId: string;
    readonly clientSecret: string;
    readonly oauthUrl: string;
    /** True when the client id and secret are the printed development values. */
    readonly developmentCredentials: boolean;
  };
  /** Absent: the in-process store (development only). */
  readonly mongo?: { readonly uri: string; readonly dbName: string };
  readonly mongoDbName: string;
  /** 32 bytes; encrypts stored tokens and signs OAuth state. */
  readonly encryptionKey: Uint8Array;
  /**
   * Keys that open and verify but never seal or sign: ENCRYPTION_KEYS_NEXT (the key about to become
   * current) and ENCRYPTION_KEYS_PREVIOUS (retired keys).
   */
  readonly previousEncryptionKeys: readonly Uint8Array[];
  /** Budget of each call to Pipedrive's OAuth server and API. */
  readonly pipedriveTimeoutMs: number;
  readonly logLevel: string;
  /** Human-readable log lines (pino-pretty) instead of JSON: only with NODE_ENV=development. */
  readonly logPretty: boolean;
  /** When set, `GET /metrics` wants `Authorization: Bearer <token>`; unset, it is open. */
  readonly metricsToken?: string;
  readonly requestTimeoutMs: number;
  /** Identical creates within this window get the first create's meeting. */
  readonly duplicateCreateWindowMs: number;
  /** How often the reconciler looks for creates that never settled; 0: never (one-off tools). */
  readonly reconcileIntervalMs: number;
  /** Age past which a create that never settled is followed up. */
  readonly reconcileStaleAfterMs: number;
  readonly bodyLimitBytes: number;
  /** The largest request line plus headers node's parser accepts; past it, 431. */
  readonly headerLimitBytes: number;
  readonly shutdownGraceMs: number;
  readonly trustProxy: boolean;
}
export const AppConfig = Symbol('AppConfig');

export const DEVELOPMENT_CLIENT_ID = 'dev-client-id';
export const DEVELOPMENT_CLIENT_SECRET = 'dev-client-secret';
// A fixed, publicly known key: it only ever protects development data.
const DEVELOPMENT_ENCRYPTION_KEY = 'ZGV2ZWxvcG1lbnQta2V5LW5vdC1mb3ItcHJvZHVjdCE';

/** How long a failed create may take to delete its vendor meeting again (see MeetingSettings). */
export const COMPENSATION_BUDGET_MS = DEFAULT_MEETING_SETTINGS.compensationBudgetMs;

export type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Project settings beyond the contract's, with their defaults; the README lists the same. */
export const SETTINGS = {
  LOG_LEVEL: 'info',
  REQUEST_TIMEOUT_MS: 8000,
  DUPLICATE_CREATE_WINDOW_MS: 60000,
  RECONCILE_INTERVAL_MS: 30000,
  RECONCILE_STALE_AFTER_MS: 120000,
  BODY_LIMIT_BYTES: 16384,
  HEADER_LIMIT_BYTES: 16384,
  SHUTDOWN_GRACE_MS: 10000,
  PIPEDRIVE_TIMEOUT_MS: 5000,
  TRUST_PROXY: false,
} as const;

export function loadConfig(env: Env, vendors: readonly VendorPlugin[]): E.Either<readonly string[], AppConfig> {
  const problems: string[] = [];
  const production = env['NODE_ENV'] === 'production';
  const given = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const required = (name: string, developmentDefault: string): string => {
    const value = given(name);
    if (value !== undefined) return value;
    if (production) problems.push(`${name} is required when NODE_ENV=production`);
    return developmentDefault;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const value = given(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`);
      return fallback;
    }
    return n;
  };
  const url = (name: string, fallback: string): string => {
    const value = given(name) ?? fallback;
    const parsed = URL.canParse(value) ? new URL(value) : undefined;
    if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.search !== '') {
      problems.push(`${name} must be an http(s) URL without query (got ${shownUrl(value)})`);
      return fallback;
    }
    return value.replace(/\/+$/, '');
  };

  const port = integer('PORT', 3000, 1, 65535);
  const publicBaseUrl = url('PUBLIC_BASE_URL', `http://localhost:${port}`);
  if (production && given('PUBLIC_BASE_URL') === undefined) {
    problems.push('PUBLIC_BASE_URL is required when NODE_ENV=production (the https address Pipedrive reaches)');
  }

  const vendorName = given('VIDEO_VENDOR') ?? 'stub';
  const vendor = vendors.find((plugin) => plugin.id === vendorName);
  let vendorConfig: unknown;
  if (vendor === undefined) {
    problems.push(`VIDEO_VENDOR must be one of ${vendors.map((p) => p.id).join(', ')} (got ${JSON.stringify(vendorName)})`);
  } else {
    const decoded = vendor.decodeConfig({ env, production, publicBaseUrl });
    if (E.isLeft(decoded)) problems.push(...decoded.left);
    else vendorConfig = decoded.right;
  }

  const clientId = required('PIPEDRIVE_CLIENT_ID', DEVELOPMENT_CLIENT_ID);
  const clientSecret = required('PIPEDRIVE_CLIENT_SECRET', DEVELOPMENT_CLIENT_SECRET);
  const oauthUrl = url('PIPEDRIVE_OAUTH_URL', 'https://oauth.pipedrive.com');

  const mongoUri = given('MONGODB_URI');
  if (mongoUri === undefined && production) {
    problems.push('MONGODB_URI is required when NODE_ENV=production (the in-process store loses data on restart)');
  }
  if (mongoUri !== undefined && !/^mongodb(\+srv)?:\/\//.test(mongoUri)) {
    problems.push('MONGODB_URI must start with mongodb:// or mongodb+srv://');
  }
  const mongoDbName = given('MONGODB_DB') ?? `pipedrive_video_${vendorName.replace(/[^a-z0-9_]/g, '_')}`;
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(mongoDbName)) {
    problems.push(`MONGODB_DB must be 1 to 63 letters, digits, _ or - (got ${JSON.stringify(mongoDbName)})`);
  }

  const encryptionKey = decodeKey('ENCRYPTION_KEY', required('ENCRYPTION_KEY', DEVELOPMENT_ENCRYPTION_KEY), problems);
  const keyList = (name: string): Uint8Array[] =>
    (given(name) ?? '')
      .split(',')
      .map((key) => key.trim())
      .filter((key) => key !== '')
      .map((key) => decodeKey(name, key, problems));
  // Both open and verify, neither seals nor signs: a rolling rotation announces the next key to
  // every instance before any instance writes with it (README, key rotation).
  const previousEncryptionKeys = [...keyList('ENCRYPTION_KEYS_NEXT'), ...keyList('ENCRYPTION_KEYS_PREVIOUS')];

  const logLevel = given('LOG_LEVEL') ?? SETTINGS.LOG_LEVEL;
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(logLevel)})`);
  }
  const metricsToken = given('METRICS_TOKEN');
  if (metricsToken !== undefined && !/^[\x21-\x7e]{16,}$/.test(metricsToken)) {
    // A secret: its length is said, never its content.
    problems.push(`METRICS_TOKEN must be at least 16 printable characters without spaces; got ${metricsToken.length} characters`);
  }
  const trustProxyRaw = given('TRUST_PROXY') ?? String(SETTINGS.TRUST_PROXY);
  if (trustProxyRaw !== 'true' && trustProxyRaw !== 'false') {
    problems.push(`TRUST_PROXY must be true or false (got ${JSON.stringify(trustProxyRaw)})`);
  }

  // Pipedrive gives up after about 10 s: our answer, even a 504, must come before that.
  const requestTimeoutMs = integer('REQUEST_TIMEOUT_MS', SETTINGS.REQUEST_TIMEOUT_MS, 100, 9000);
  const reconcileStaleAfterMs = integer('RECONCILE_STALE_AFTER_MS', SETTINGS.RECONCILE_STALE_AFTER_MS, 1000, 86400000);
  if (reconcileStaleAfterMs < requestTimeoutMs + COMPENSATION_BUDGET_MS) {
    problems.push(
      `RECONCILE_STALE_AFTER_MS must be at least REQUEST_TIMEOUT_MS + ${COMPENSATION_BUDGET_MS} (${requestTimeoutMs + COMPENSATION_BUDGET_MS}): a younger create may still be running`,
    );
  }
  const config: AppConfig = {
    production,
    port,
    publicBaseUrl,
    vendor: vendor as VendorPlugin,
    vendorConfig,
    pipedrive: {
      clientId,
      clientSecret,
      oauthUrl,
      developmentCredentials: clientId === DEVELOPMENT_CLIENT_ID && clientSecret === DEVELOPMENT_CLIENT_SECRET,
    },
    ...(mongoUri === undefined ? {} : { mongo: { uri: mongoUri, dbName: mongoDbName } }),
    mongoDbName,
    encryptionKey,
    previousEncryptionKeys,
    pipedriveTimeoutMs: integer('PIPEDRIVE_TIMEOUT_MS', SETTINGS.PIPEDRIVE_TIMEOUT_MS, 100, 60000),
    logLevel,
    requestTimeoutMs,
    duplicateCreateWindowMs: integer('DUPLICATE_CREATE_WINDOW_MS', SETTINGS.DUPLICATE_CREATE_WINDOW_MS, 0, 600000),
    reconcileIntervalMs: integer('RECONCILE_INTERVAL_MS', SETTINGS.RECONCILE_INTERVAL_MS, 0, 3600000),
    reconcileStaleAfterMs,
    logPretty: env['NODE_ENV'] === 'development',
    ...(metricsToken === undefined ? {} : { metricsToken }),
    bodyLimitBytes: integer('BODY_LIMIT_BYTES', SETTINGS.BODY_LIMIT_BYTES, 256, 1048576),
    headerLimitBytes: integer('HEADER_LIMIT_BYTES', SETTINGS.HEADER_LIMIT_BYTES, 2048, 65536),
    shutdownGraceMs: integer('SHUTDOWN_GRACE_MS', SETTINGS.SHUTDOWN_GRACE_MS, 0, 120000),
    trustProxy: trustProxyRaw === 'true',
  };
  return problems.length > 0 ? E.left(problems) : E.right(config);
}

function decodeKey(name: string, value: string, problems: string[]): Uint8Array {
  const bytes = /^[A-Za-z0-9_-]+$/.test(value) ? Buffer.from(value, 'base64url') : Buffer.alloc(0);
  if (bytes.length !== 32) {
    // The value is a secret: its length is said, never its content.
    const each = name === 'ENCRYPTION_KEY' ? '' : ' each';
    problems.push(`${name} must${each} be 32 random bytes in base64url (43 characters); got ${value.length} characters`);
  }
  return new Uint8Array(bytes);
}
