import 'reflect-metadata';

import * as E from 'fp-ts/lib/Either.js';

import { vendorPlugins } from '../adapters/vendors/registry.js';
import { loadConfig } from './config.js';
import { developmentBanner, seedDemoLink } from './development.js';
import { createLogger } from './logger.js';
import { startService } from './server.js';

/** The process: configuration, start, and a graceful stop on SIGTERM or SIGINT. */
async function main(): Promise<void> {
  const loaded = loadConfig(process.env, vendorPlugins);
  if (E.isLeft(loaded)) {
    for (const problem of loaded.left) process.stderr.write(`config: ${problem}\n`);
    process.stderr.write('The service did not start. Fix the variables above (the README lists every one).\n');
    process.exitCode = 1;
    return;
  }
  const config = loaded.right;
  const logger = createLogger({ level: config.logLevel, pretty: config.logPretty });
  const service = await startService(config, logger);
  logger.info(
    { port: service.port, vendor: config.vendor.id, store: service.store.kind, production: config.production },
    'listening',
  );
  if (!config.production) {
    await seedDemoLink(service.container, config);
    process.stdout.write(`${developmentBanner(config, service.store, service.port)}\n`);
  }

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    logger.info({ signal }, 'stopping: no new connections, finishing requests in flight');
    service.stop().then(
      () => {
        logger.info({}, 'stopped');
        process.exitCode = 0;
      },
      (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

main().catch((error: unknown) => {
  process.stderr.write(`The service could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
