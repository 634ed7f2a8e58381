import Router from '@koa/router';

import { buildManifest } from './manifest.js';

export function manifestRouter(publicBaseUrl: string, clientId: string): Router {
  const router = new Router();
  const manifest = buildManifest(publicBaseUrl, clientId);
  router.get('/manifest.json', (ctx) => {
    ctx.body = manifest;
  });
  return router;
}
