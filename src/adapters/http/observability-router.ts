import { createHash, timingSafeEqual } from 'node:crypto';

import Router from '@koa/router';

import { sendProblem } from './problem-response.js';

export interface ObservabilityRouterOptions {
  /** The metrics in Prometheus's text format, and the content type that says which version. */
  scrape(): Promise<{ readonly contentType: string; readonly body: string }>;
  /** When set, `/metrics` wants `Authorization: Bearer <token>`. */
  readonly metricsToken?: string | undefined;
  /** This deployment's OpenAPI document. */
  openApiDocument(): object;
}

export const METRICS_PATH = '/metrics';
export const OPENAPI_PATH = '/openapi.json';

/** The routes this router mounts, for the document that describes them (a test checks they agree). */
export const OBSERVABILITY_ROUTES = [
  { method: 'GET', path: METRICS_PATH },
  { method: 'GET', path: OPENAPI_PATH },
] as const;

/** What an operator and a client generator read: `/metrics` for Prometheus, `/openapi.json` for people and tools. */
export function observabilityRouter(options: ObservabilityRouterOptions): Router {
  const router = new Router();
  const authorized = bearerVerifier(options.metricsToken);

  router.get(METRICS_PATH, async (ctx) => {
    if (!authorized(ctx.get('authorization') || undefined)) {
      sendProblem(ctx, {
        status: 401,
        code: 'UNAUTHORIZED',
        message: 'Authorization: expected Bearer and the METRICS_TOKEN of this deployment',
        headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' },
      });
      return;
    }
    const metrics = await options.scrape();
    ctx.status = 200;
    ctx.type = metrics.contentType;
    ctx.body = metrics.body;
  });

  router.get(OPENAPI_PATH, (ctx) => {
    ctx.body = options.openApiDocument();
  });

  return router;
}

/** Compares in constant time (both sides hashed first); no token configured lets everyone in. */
function bearerVerifier(token: string | undefined): (header: string | undefined) => boolean {
  if (token === undefined) return () => true;
  const expected = digest(token);
  return (header) => {
    const presented = /^bearer[ ]+(\S+)\s*$/i.exec(header ?? '')?.[1];
    const same = timingSafeEqual(digest(presented ?? ''), expected);
    return presented !== undefined && same;
  };
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf-8').digest();
