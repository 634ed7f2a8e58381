import { type DestinationStream, pino, type Logger } from 'pino';

/**
 * JSON lines on stdout. Anything that may carry a credential is redacted by path, so a header or
 * token that reaches a log call by accident is still not written.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'pipedrive-video' },
    redact: {
      paths: [
        'authorization',
        '*.authorization',
        'headers.authorization',
        'req.headers.authorization',
        'headers.cookie',
        '*.password',
        '*.secret',
        '*.clientSecret',
        '*.access_token',
        '*.refresh_token',
        '*.accessToken',
        '*.refreshToken',
        '*.code',
        // Shapes found missing by test/hostile/log-redaction.test.ts: credentials at the top level,
        // in an outbound call's headers, in a token form, and in vendor or key configuration.
        '*.headers.authorization',
        '*.headers.cookie',
        'accessToken',
        'refreshToken',
        'access_token',
        'refresh_token',
        'clientSecret',
        'client_secret',
        '*.client_secret',
        'password',
        'secret',
        'apiKey',
        '*.apiKey',
        '*.appSecret',
        '*.webhookSecretToken',
        '*.privateKey',
        'encryptionKey',
        '*.encryptionKey',
        '*.previousEncryptionKeys',
      ],
      censor: '[redacted]',
    },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
