import { createServer, type RequestListener, type Server } from 'node:http';

import type { Container } from 'inversify';
import type { Logger as Pino } from 'pino';

import { answerOutsideKoa } from '../adapters/http/client-error.js';
import type { AppConfig } from './config.js';
import { buildContainer } from './container/container.js';
import { HttpApp } from './container/http.module.js';
import { type RunningReconciler, startReconciler } from './reconciler.js';
import { openStore, type Store } from './store.js';

export interface RunningService {
  readonly server: Server;
  readonly container: Container;
  readonly store: Store;
  /** The port actually bound (useful when PORT is 0). */
  readonly port: number;
  /** Absent when RECONCILE_INTERVAL_MS is 0. */
  readonly reconciler?: RunningReconciler;
  /** Stops accepting, lets in-flight requests finish (up to the grace period), closes the store. */
  stop(): Promise<void>;
}

/** Opens the store, builds the container and starts listening. */
export async function startService(config: AppConfig, logger: Pino): Promise<RunningService> {
  const store = await openStore(config, logger);
  const container = buildContainer(config, logger, store);
  const app = container.get<HttpApp>(HttpApp);
  const callback = app.callback();
  // Koa's handler settles its own promise (every throw becomes an answer); nothing to await here.
  const handle: RequestListener = (req, res) => void callback(req, res);
  // The header limit is ours, not node's default of the day. What node would answer itself with a
  // bare status line (a refused request, CONNECT, an odd Expect, a missing Host) gets the
  // contract's JSON shape instead: from answerOutsideKoa, or from Koa for the missing Host.
  const server = createServer({ maxHeaderSize: config.headerLimitBytes, requireHostHeader: false }, handle);
  answerOutsideKoa(server, {
    headerLimitBytes: config.headerLimitBytes,
    handle,
    onRefused: (problem, parserCode) =>
      logger.info({ status: problem.status, outcome: problem.code, parserCode }, 'request refused before routing'),
  });
  server.listen(config.port);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  // Pipedrive's calls are short; a stalled client must not hold a socket forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 15_000;
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const reconciler = config.reconcileIntervalMs > 0 ? startReconciler(container, config.reconcileIntervalMs, logger) : undefined;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // A keep-alive connection whose last request finishes during the stop would otherwise sit
      // idle until its timeout; closing idle ones as they appear lets the stop end promptly.
      server.closeIdleConnections();
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      sweep.unref();
      const grace = setTimeout(() => {
        logger.warn({ graceMs: config.shutdownGraceMs }, 'grace period over; closing open connections');
        server.closeAllConnections();
      }, config.shutdownGraceMs);
      grace.unref();
      await closed;
      clearInterval(sweep);
      clearTimeout(grace);
      await reconciler?.stop();
      await store.close();
    })();
    return stopping;
  };
  return { server, container, store, port, stop, ...(reconciler === undefined ? {} : { reconciler }) };
}
