import Router from '@koa/router';

/**
 * Liveness says the process runs; readiness says it can serve, i.e. its store answers. An
 * orchestrator restarts on the first and only stops routing on the second.
 */
export function healthRouter(storeReady: () => Promise<boolean>, readyTimeoutMs: number): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const ready = await Promise.race([
      storeReady().catch(() => false),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), readyTimeoutMs).unref()),
    ]);
    ctx.status = ready ? 200 : 503;
    ctx.body = ready ? { status: 'ready' } : { status: 'unavailable', reason: 'the store does not answer' };
  });
  return router;
}
