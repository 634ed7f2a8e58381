/**
 * The baseline of `npm run bench`: a bare Koa server that reads the request body and answers 201
 * with a fixed JSON body (the one our deployment answered to the same request), on any path (GET
 * answers 200, to wait for it). No
 * router, no middleware, no log line: what Koa and Node's HTTP stack cost on their own.
 */
import Koa from 'koa';

const port = Number(process.env['PORT'] ?? '0');
const body: unknown = JSON.parse(process.env['BARE_BODY'] ?? '{}');

const app = new Koa();
app.use(async (ctx) => {
  if (ctx.method === 'GET') {
    ctx.body = { status: 'ready' }; // so the bench can wait for it as it waits for /readyz
    return;
  }
  // Read the body as a real endpoint must (our deployment parses it; this one only drains it).
  for await (const _chunk of ctx.req) {
    // drained
  }
  ctx.status = 201;
  ctx.body = body;
});
app.listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
