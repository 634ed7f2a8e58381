import { Container } from 'inversify';
import type { Logger as Pino } from 'pino';

import type { AppConfig } from '../config.js';
import type { Store } from '../store.js';
import { applicationModule, installModule } from './application.module.js';
import { coreModule } from './core.module.js';
import { httpModule } from './http.module.js';
import { metricsModule } from './metrics.module.js';
import { memoryPersistenceModule, mongoPersistenceModule } from './persistence.module.js';
import { pipedriveModule } from './security.module.js';

/**
 * The composition root: the one place where modules are chosen and loaded. Nothing else resolves
 * from the container.
 */
export function buildContainer(config: AppConfig, logger: Pino, store: Store): Container {
  const container = new Container({ defaultScope: 'Singleton' });
  container.load(
    coreModule(config, logger, store),
    store.db === undefined ? memoryPersistenceModule() : mongoPersistenceModule(store.db),
    config.vendor.module(config.vendorConfig),
    pipedriveModule(config),
    applicationModule,
    installModule({
      clientId: config.pipedrive.clientId,
      pipedriveAuthorizeUrl: `${config.pipedrive.oauthUrl}/oauth/authorize`,
      callbackUrl: `${config.publicBaseUrl}/oauth/callback`,
      vendorCallbackUrl: `${config.publicBaseUrl}/oauth/vendor/callback`,
      vendorKeyUrl: `${config.publicBaseUrl}/oauth/vendor/key`,
      vendorTimeoutMs: config.requestTimeoutMs,
    }),
    httpModule,
    metricsModule(),
  );
  return container;
}
