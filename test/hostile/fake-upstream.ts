import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

/**
 * A remote service (Pipedrive's OAuth server and API, Zoom's) as a loopback HTTP server, for tests
 * that run our service as a real process, where nock cannot reach. Each answer comes from the first
 * route that matches; every request is recorded, so a test can check what the service sent.
 */

export interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface Reply {
  readonly status: number;
  readonly json?: unknown;
}

type Handler = (request: Received) => Reply;

export class FakeUpstream {
  readonly received: Received[] = [];
  readonly #routes: Array<{ method: string; path: RegExp; handler: Handler }> = [];
  #server: Server | undefined;
  url = '';

  on(method: string, path: RegExp, handler: Handler): this {
    this.#routes.push({ method, path, handler });
    return this;
  }

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const received: Received = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        this.received.push(received);
        const route = this.#routes.find((r) => r.method === received.method && r.path.test(received.path.split('?')[0]!));
        const reply = route?.handler(received) ?? { status: 404, json: { error: 'not_found' } };
        if (reply.json === undefined) {
          res.writeHead(reply.status).end();
        } else {
          res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.json));
        }
      });
    });
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    const address = this.#server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no address');
    this.url = `http://127.0.0.1:${address.port}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The requests to `method` on a path matching `path`. */
  calls(method: string, path: RegExp): Received[] {
    return this.received.filter((r) => r.method === method && path.test(r.path.split('?')[0]!));
  }
}

/** A form body as a plain record. */
export const form = (body: string): Record<string, string> => Object.fromEntries(new URLSearchParams(body));
