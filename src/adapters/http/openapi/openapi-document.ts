import type Router from '@koa/router';

import { DOCUMENTED_ROUTES, type DocumentContext, type DocumentedRoute, type HttpMethod } from './operations.js';
import { HEADERS, type JsonObject, SCHEMAS } from './schemas.js';

/** A route a router answers: upper-case method, OpenAPI path template (`/j/{room}`). */
export interface MountedRoute {
  readonly method: string;
  readonly path: string;
}

/** The routes these routers answer. HEAD is left out: the router adds it to every GET by itself. */
export function mountedRoutes(routers: readonly Router[]): MountedRoute[] {
  const routes: MountedRoute[] = [];
  for (const router of routers) {
    for (const layer of router.stack) {
      if (typeof layer.path !== 'string') continue;
      const path = layer.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      for (const method of layer.methods) if (method !== 'HEAD') routes.push({ method, path });
    }
  }
  return routes;
}

const documented = (route: MountedRoute): DocumentedRoute | undefined =>
  DOCUMENTED_ROUTES.find((entry) => entry.path === route.path && entry.method === route.method.toLowerCase());

/** Mounted routes the catalogue has no description of: a new route must be described before it ships. */
export function undocumentedRoutes(routes: readonly MountedRoute[]): MountedRoute[] {
  return routes.filter((route) => documented(route) === undefined);
}

export interface OpenApiSettings extends DocumentContext {
  readonly publicBaseUrl: string;
  /** The routes this deployment mounts: the document describes exactly these. */
  readonly routes: readonly MountedRoute[];
}

/** The version of this API description, not of the package: it changes when a route or body does. */
export const API_VERSION = '1.0.0';

/**
 * The OpenAPI 3.1 document of one deployment: the routes it mounts (its vendor's own included),
 * its address as the server. Served at `/openapi.json`; the HTTP tests check every answer against it.
 */
export function openApiDocument(settings: OpenApiSettings): JsonObject {
  const paths: Record<string, Partial<Record<HttpMethod, JsonObject>>> = {};
  for (const route of settings.routes) {
    const entry = documented(route);
    if (entry === undefined) continue;
    (paths[entry.path] ??= {})[entry.method] = entry.operation(settings);
  }
  return {
    openapi: '3.1.1',
    info: {
      title: `Pipedrive video: ${settings.vendorName}`,
      version: API_VERSION,
      summary: `A Pipedrive video-calling Marketplace app serving ${settings.vendorName}.`,
      description: [
        'Every answer carries `X-Request-Id`. Errors of JSON routes are `{success:false,error:{code,message}}`;',
        'pages answer HTML. A path not listed here answers 404 `NOT_FOUND`; a listed path asked with another',
        'method answers 405 `METHOD_NOT_ALLOWED` with `Allow`.',
      ].join(' '),
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: settings.publicBaseUrl }],
    tags: [
      { name: 'reverse API', description: 'The three manifest endpoints Pipedrive calls.' },
      { name: 'install', description: 'The browser’s install flow and Pipedrive’s uninstall call.' },
      { name: 'vendor', description: 'Routes the deployment’s video vendor adds.' },
      { name: 'operations', description: 'Health, manifest, metrics, this document.' },
    ],
    paths,
    components: {
      schemas: SCHEMAS,
      headers: HEADERS,
      securitySchemes: {
        pipedriveBasic: {
          type: 'http',
          scheme: 'basic',
          description: "Basic base64(PIPEDRIVE_CLIENT_ID:PIPEDRIVE_CLIENT_SECRET): this app's own credentials.",
        },
        metricsBearer: { type: 'http', scheme: 'bearer', description: 'The METRICS_TOKEN of the deployment.' },
      },
    },
  };
}
