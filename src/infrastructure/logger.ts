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
      ],
      censor: '[redacted]',
    },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
