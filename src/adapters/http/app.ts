import { randomUUID } from 'node:crypto';

import type Router from '@koa/router';
import Koa, { type Context, type Next } from 'koa';
import helmet from 'koa-helmet';
import type { Logger as Pino } from 'pino';

import { html, page } from './html.js';
import type { ApiProblem } from './api-problem.js';
import { sendProblem } from './problem-response.js';
import { SECURITY_HEADER_OPTIONS } from './security-headers.js';

export interface HttpAppOptions {
  readonly logger: Pino;
  readonly routers: readonly Router[];
  /** Trust X-Forwarded-* from a proxy in front (a load balancer); off unless configured. */
  readonly trustProxy: boolean;
  /** Told of every answered request (metrics). */
  readonly observeRequest?: (request: AnsweredRequest) => void;
}

export interface AnsweredRequest {
  readonly method: string;
  /** The matched route's template (`/api/v1/links/:linkId/meetings`), never the raw path; `UNMATCHED_ROUTE` if none. */
  readonly route: string;
  readonly status: number;
  readonly seconds: number;
}

/** The route of a request no route matched (404, 405): one label, however many paths are probed. */
export const UNMATCHED_ROUTE = 'unmatched';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The Koa application: request ids and one log line per request, security headers, one place
 * where unexpected throws become a logged 500, JSON for every API answer (HTML only for pages).
 */
export function createHttpApp(options: HttpAppOptions): Koa {
  const app = new Koa({ proxy: options.trustProxy });
  // Errors are logged by our own middleware with the request's id; Koa's default printing is off.
  app.silent = true;

  const observe = options.observeRequest;
  if (observe !== undefined) app.use(observeRequests(observe));
  app.use(requestContext(options.logger));
  app.use(helmet(SECURITY_HEADER_OPTIONS));
  app.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    await next();
  });
  app.use(defectsAsErrors(options.logger));
  app.use(protocolRules);
  for (const router of options.routers) {
    app.use(router.routes());
    // A method the router does not know at all (PROPFIND, say) is the caller's mistake like any
    // other wrong method: 405, not the router's 501, which would read as our failure.
    app.use(router.allowedMethods({ throw: true, notImplemented: () => wrongMethod(), methodNotAllowed: () => wrongMethod() }));
  }
  app.use((ctx) => {
    sendProblem(ctx, notFound(ctx));
  });
  return app;
}

/**
 * What HTTP/1.1 asks of every request before any route sees it (RFC 9112 §3.2, RFC 9110 §10.1.1).
 * Node would answer these itself, bare; here they get the contract's shape.
 */
async function protocolRules(ctx: Context, next: Next): Promise<void> {
  if (ctx.req.httpVersion === '1.1' && ctx.req.headers.host === undefined) {
    sendProblem(ctx, { status: 400, code: 'MALFORMED_REQUEST', message: 'Host: is required in an HTTP/1.1 request' });
    return;
  }
  const expect = ctx.get('expect');
  if (expect !== '' && expect.toLowerCase() !== '100-continue') {
    sendProblem(ctx, {
      status: 417,
      code: 'EXPECTATION_FAILED',
      message: `Expect: only 100-continue is supported, got ${JSON.stringify(expect.slice(0, 40))}`,
    });
    return;
  }
  await next();
}

const notFound = (ctx: Context): ApiProblem => ({
  status: 404,
  code: 'NOT_FOUND',
  message: `path: no route for ${ctx.method} ${clip(ctx.path)}`,
});

/** A caller's path, echoed at a bounded length (node's parser already refuses control characters in it). */
const clip = (path: string): string => (path.length > 80 ? `${path.slice(0, 80)}…` : path);

/** Thrown by the routers' `allowedMethods` for a method a path does not serve; never escapes. */
class WrongMethod extends Error {
  readonly status = 405;
  readonly expose = true;
}
const wrongMethod = (): WrongMethod => new WrongMethod('method not allowed');

/** The methods the routes matching this path serve (the routers record matched layers on `ctx`). */
function allowedMethods(ctx: Context): string[] {
  const matched = (ctx as Context & { matched?: ReadonlyArray<{ methods?: readonly string[] }> }).matched ?? [];
  return [...new Set(matched.flatMap((layer) => layer.methods ?? []))];
}

function requestContext(logger: Pino) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const given = ctx.get('x-request-id');
    const requestId = REQUEST_ID.test(given) ? given : randomUUID();
    ctx.state['requestId'] = requestId;
    ctx.set('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const fields = {
        requestId,
        method: ctx.method,
        path: ctx.path,
        route: matchedRoute(ctx),
        status: ctx.status,
        ms: Math.round(ms * 10) / 10,
        // Routes that set no outcome of their own (health, manifest, pages) still get one.
        outcome: (ctx.state['outcome'] as unknown) ?? (ctx.status < 400 ? 'OK' : `HTTP_${ctx.status}`),
      };
      if (ctx.status >= 500) logger.warn(fields, 'request');
      else logger.info(fields, 'request');
    }
  };
}

function observeRequests(observe: (request: AnsweredRequest) => void) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      observe({ method: ctx.method, route: matchedRoute(ctx), status: ctx.status, seconds });
    }
  };
}

/** The template @koa/router matched, set on the context by the router that answered. */
function matchedRoute(ctx: Context): string {
  const route = (ctx as { _matchedRoute?: unknown })._matchedRoute;
  return typeof route === 'string' ? route : UNMATCHED_ROUTE;
}

function defectsAsErrors(logger: Pino) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
    } catch (thrown) {
      if (thrown instanceof WrongMethod) {
        const allowed = allowedMethods(ctx);
        if (allowed.length === 0) {
          sendProblem(ctx, notFound(ctx));
          return;
        }
        // From the router: the path exists, the method does not.
        sendProblem(ctx, {
          status: 405,
          code: 'METHOD_NOT_ALLOWED',
          message: `method: ${ctx.method} is not allowed on ${clip(ctx.path)}; allowed: ${allowed.join(', ')}`,
          headers: { Allow: allowed.join(', ') },
        });
        return;
      }
      const reference = String(ctx.state['requestId'] ?? '');
      logger.error({ requestId: reference, err: thrown }, 'unexpected error while answering');
      if (ctx.state['page'] === true) {
        ctx.status = 500;
        ctx.type = 'html';
        ctx.body = page('Something failed', html`<h1>Something failed on our side</h1>
<p>Try again in a minute. If it keeps failing, contact the app's support and quote this reference:
<code>${reference}</code></p>`);
        ctx.state['outcome'] = 'INTERNAL_ERROR';
        return;
      }
      sendProblem(ctx, {
        status: 500,
        code: 'INTERNAL_ERROR',
        message: `an unexpected error occurred; reference ${reference}`,
      });
    }
  };
}
