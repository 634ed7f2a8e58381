import type Router from '@koa/router';

/**
 * A group of routes an adapter adds to the app (a vendor's own pages, say). Multi-bound in the
 * container; the composition root mounts every one.
 */
export interface HttpRouteContributor {
  register(router: Router): void;
}
export const HttpRouteContributor = Symbol('HttpRouteContributor');
