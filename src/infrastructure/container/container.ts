import { Container } from 'inversify';
import type { Logger as Pino } from 'pino';

import type { AppConfig } from '../config.js';
import type { Store } from '../store.js';
import { DEFAULT_MEETING_SETTINGS } from '../../application/meetings/meeting-collaborators.js';
import { applicationModule, installModule } from './application.module.js';
import { coreModule } from './core.module.js';
import { httpModule } from './http.module.js';
import { metricsModule } from './metrics.module.js';
import { memoryPersistenceModule, mongoPersistenceModule } from './persistence.module.js';
import { pipedriveModule } from './security.module.js';

/** How long one instance holds a pending create it follows up; another may take it after. */
const RECONCILE_HOLD_MS = 60_000;
const RECONCILE_BATCH = 20;
/** A day of failed follow-ups (the vendor down, the link's grant refused) before giving up loudly. */
const RECONCILE_GIVE_UP_MS = 24 * 60 * 60 * 1000;

/**
 * The composition root: the one place where modules are chosen and loaded. Nothing else resolves
 * from the container.
 */
export function buildContainer(config: AppConfig, logger: Pino, store: Store): Container {
  const container = new Container({ defaultScope: 'Singleton' });
  container.load(
    coreModule(config, logger, store),
    store.db === undefined ? memoryPersistenceModule() : mongoPersistenceModule(store.db, store.gate),
    config.vendor.module(config.vendorConfig),
    pipedriveModule(config),
    applicationModule(
      {
        duplicateWindowMs: config.duplicateCreateWindowMs,
        meetingLockMs: DEFAULT_MEETING_SETTINGS.meetingLockMs,
        compensationBudgetMs: DEFAULT_MEETING_SETTINGS.compensationBudgetMs,
      },
      {
        staleAfterMs: config.reconcileStaleAfterMs,
        holdMs: RECONCILE_HOLD_MS,
        batchSize: RECONCILE_BATCH,
        giveUpAfterMs: RECONCILE_GIVE_UP_MS,
        vendorBudgetMs: config.requestTimeoutMs,
      },
    ),
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
