import * as E from 'fp-ts/lib/Either.js';
import { ContainerModule } from 'inversify';
import type { Logger as Pino } from 'pino';

import { Clock } from '../../application/ports/clock.js';
import { IdGenerator } from '../../application/ports/id-generator.js';
import { LinkRepository } from '../../application/ports/link-repository.js';
import { Logger } from '../../application/ports/logger.js';
import { CryptoIdGenerator } from '../../adapters/system/crypto-id-generator.js';
import { SystemClock } from '../../adapters/system/system-clock.js';
import { AppConfig } from '../config.js';
import type { Store } from '../store.js';

/** The process's pino logger, for adapters that need more than the application's `Logger` port. */
export const RootLogger = Symbol('RootLogger');
export type RootLogger = Pino;

/** What every other module may need: configuration, logging, time, ids. */
/** Whether the store may serve: reachable, and its indexes in place. */
export const StoreReadiness = Symbol('StoreReadiness');
export type StoreReadiness = () => Promise<boolean>;

export const coreModule = (config: AppConfig, logger: Pino, store: Store): ContainerModule =>
  new ContainerModule(({ bind }) => {
    // Every line from inside the deployment names its vendor, so deployments can share a log store.
    const deploymentLogger = logger.child({ vendor: config.vendor.id });
    bind<AppConfig>(AppConfig).toConstantValue(config);
    bind<RootLogger>(RootLogger).toConstantValue(deploymentLogger);
    bind<Logger>(Logger).toConstantValue(deploymentLogger);
    bind<Clock>(Clock).toConstantValue(new SystemClock());
    bind<IdGenerator>(IdGenerator).toConstantValue(new CryptoIdGenerator());
    bind<StoreReadiness>(StoreReadiness).toResolvedValue(
      (links: LinkRepository): StoreReadiness =>
        async () => store.indexesReady() && E.isRight(await links.ping()()),
      [LinkRepository],
    );
  });
