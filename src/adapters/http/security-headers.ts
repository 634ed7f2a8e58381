import type { IncomingMessage, ServerResponse } from 'node:http';

import helmet, { type HelmetOptions } from 'helmet';

import { PAGE_STYLE_HASH } from './html.js';

/**
 * The security headers of every answer, Koa's and the raw ones written before Koa sees a request
 * (a request line or header block node's parser refuses). One set of options feeds both, so the
 * two cannot drift apart.
 */
export const SECURITY_HEADER_OPTIONS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      styleSrc: [PAGE_STYLE_HASH],
      imgSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
  },
  // The CSP already says no framing at all; the legacy header says the same, not helmet's SAMEORIGIN.
  xFrameOptions: { action: 'deny' },
  // TLS ends at the load balancer, which owns HSTS for the whole host.
  strictTransportSecurity: false,
};

/**
 * The same headers as name/value pairs, for answers written straight to a socket. Computed once by
 * running helmet itself against a recording response, so they are exactly what Koa's answers get.
 */
export const SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = recordHelmetHeaders();

function recordHelmetHeaders(): Array<[string, string]> {
  const recorded = new Map<string, string>();
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      recorded.set(name, Array.isArray(value) ? value.join(', ') : String(value));
      return response;
    },
    removeHeader(name: string) {
      recorded.delete(name);
    },
  };
  let finished = false;
  helmet(SECURITY_HEADER_OPTIONS)(
    {} as IncomingMessage,
    response as unknown as ServerResponse,
    (error?: unknown) => {
      if (error !== undefined) throw error instanceof Error ? error : new Error('helmet refused its options');
      finished = true;
    },
  );
  // helmet is synchronous with static options; if that ever changes, fail at start, not per request.
  if (!finished) throw new Error('helmet did not finish synchronously: the raw answers would lack security headers');
  return [...recorded];
}
