import { createRequire } from 'node:module';

import { type DestinationStream, type LoggerOptions, pino, type Logger } from 'pino';

/**
 * Every field name that may hold a credential, in each spelling the code, a vendor or a header
 * uses. A value under one of these names is replaced at the top level of a log call's fields and
 * inside each of `SECRET_CONTAINERS`, so a token that reaches a log call by accident is still not
 * written.
 */
export const SECRET_FIELD_NAMES = [
  // HTTP headers (Node lower-cases them)
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-zm-signature',
  // OAuth: codes, tokens, client secrets, state
  'code',
  'state',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'accessToken',
  'refreshToken',
  'client_secret',
  'clientSecret',
  'secret',
  'secrets',
  'secretToken',
  'webhookSecretToken',
  'jwt',
  // keys
  'key',
  'apiKey',
  'api_key',
  'privateKey',
  'privateKeyPem',
  'appSecret',
  'encryptionKey',
  'previousEncryptionKeys',
  'keyring',
  // meeting passcodes
  'password',
  'passcode',
  // the environment variables that hold secrets, should an environment ever be logged
  'PIPEDRIVE_CLIENT_SECRET',
  'ENCRYPTION_KEY',
  'ENCRYPTION_KEYS_PREVIOUS',
  'ENCRYPTION_KEYS_NEXT',
  'ZOOM_CLIENT_SECRET',
  'ZOOM_WEBHOOK_SECRET_TOKEN',
  'JAAS_PRIVATE_KEY',
  'JITSI_APP_SECRET',
  'DAILY_API_KEY',
  'METRICS_TOKEN',
  'MONGODB_URI',
] as const;

/**
 * The nested objects log calls carry (an error, a failure's detail, headers, a configuration, a
 * link). Paths are spelled out rather than wildcarded: pino's redaction costs about 2 µs a line
 * this way, and 50 to 300 µs with `*.name` wildcards at every depth (measured on the request line).
 */
export const SECRET_CONTAINERS = [
  'err',
  'err.cause',
  'error',
  'detail',
  'detail.error',
  'vendorError',
  'headers',
  'req.headers',
  'res.headers',
  'request.headers',
  'response.headers',
  'query',
  'body',
  'form',
  'config',
  'config.pipedrive',
  'env',
  'tokens',
  'grant',
  'link',
  'link.pipedrive',
  'link.vendorGrant',
  'call',
  'call.headers',
  'answer',
  'pipedrive',
  'vendorConfig',
  'meeting',
] as const;

export const REDACTED = '[redacted]';

/** `name` and `container.name`, in the bracket form pino needs for names like `set-cookie`. */
function redactPaths(names: readonly string[], containers: readonly string[]): string[] {
  const member = (name: string): string => (/^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `["${name}"]`);
  return [
    ...names.map((name) => member(name).replace(/^\./, '')),
    ...containers.flatMap((container) => names.map((name) => `${container}${member(name)}`)),
  ];
}

export interface LoggerSettings {
  /** `fatal` ... `trace`, or `silent`. */
  readonly level: string;
  /**
   * Human-readable lines through pino-pretty (development only). pino-pretty is a devDependency:
   * it is resolved only when asked for, and when it is not installed the logger stays on JSON and
   * says so, rather than failing the start.
   */
  readonly pretty?: boolean;
  /** Where JSON lines go instead of stdout (tests); never pretty. */
  readonly destination?: DestinationStream;
  /** The module pretty output is loaded from; tests point it at one that does not exist. */
  readonly prettyModule?: string;
}

/** JSON lines on stdout, credentials redacted by field name. */
export function createLogger(level: string, destination?: DestinationStream): Logger;
export function createLogger(settings: LoggerSettings): Logger;
export function createLogger(levelOrSettings: string | LoggerSettings, destination?: DestinationStream): Logger {
  const settings: LoggerSettings =
    typeof levelOrSettings === 'string'
      ? { level: levelOrSettings, ...(destination === undefined ? {} : { destination }) }
      : levelOrSettings;
  const options: LoggerOptions = {
    level: settings.level,
    base: { service: 'pipedrive-video' },
    redact: { paths: redactPaths(SECRET_FIELD_NAMES, SECRET_CONTAINERS), censor: REDACTED },
  };
  if (settings.destination !== undefined) return pino(options, settings.destination);
  if (settings.pretty !== true) return pino(options);

  const target = resolveModule(settings.prettyModule ?? 'pino-pretty');
  if (target === undefined) {
    const logger = pino(options);
    logger.warn({ module: settings.prettyModule ?? 'pino-pretty' }, 'pretty logs asked for but pino-pretty is not installed; logging JSON');
    return logger;
  }
  // A transport runs in a worker thread; redaction happens here, before a line leaves this thread.
  return pino({ ...options, transport: { target, options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' } } });
}

function resolveModule(name: string): string | undefined {
  try {
    return createRequire(import.meta.url).resolve(name);
  } catch {
    return undefined;
  }
}
