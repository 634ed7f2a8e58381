import 'reflect-metadata';

import * as E from 'fp-ts/lib/Either.js';
import type { Container } from 'inversify';
import type Koa from 'koa';
import { pino } from 'pino';

import { LinkRepository } from '../../src/application/ports/link-repository.js';
import { MeetingRepository } from '../../src/application/ports/meeting-repository.js';
import { StubFaults } from '../../src/adapters/vendors/stub/stub-faults.js';
import { vendorPlugins } from '../../src/adapters/vendors/registry.js';
import type { VendorPlugin } from '../../src/adapters/vendors/vendor-plugin.js';
import type { LinkId, PipedriveId, VendorId } from '../../src/domain/ids.js';
import { type LinkStatus, newPendingLink, withLinkStatus } from '../../src/domain/link.js';
import { type AppConfig, type Env, loadConfig } from '../../src/infrastructure/config.js';
import { buildContainer } from '../../src/infrastructure/container/container.js';
import { createLogger } from '../../src/infrastructure/logger.js';
import { HttpApp, OpenApiDocument } from '../../src/infrastructure/container/http.module.js';
import { openStore, type Store } from '../../src/infrastructure/store.js';
import { checkedCallback, checkerFor, reportViolation } from './openapi-check.js';

export const CLIENT_ID = 'test-client-id';
export const CLIENT_SECRET = 'test-client-secret';
export const BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;

/** The configuration a test deployment runs with: explicit credentials, silent logs, stub vendor. */
export function testConfig(env: Env = {}, plugins: readonly VendorPlugin[] = vendorPlugins): AppConfig {
  const loaded = loadConfig(
    {
      PIPEDRIVE_CLIENT_ID: CLIENT_ID,
      PIPEDRIVE_CLIENT_SECRET: CLIENT_SECRET,
      PUBLIC_BASE_URL: 'https://video.test',
      LOG_LEVEL: 'silent',
      ...env,
    },
    plugins,
  );
  if (E.isLeft(loaded)) throw new Error(`test configuration refused: ${loaded.left.join('; ')}`);
  return loaded.right;
}

export interface TestDeployment {
  readonly app: Koa;
  /** The app's request handler; every answer it gives is checked against the deployment's OpenAPI document. */
  readonly callback: ReturnType<Koa['callback']>;
  readonly container: Container;
  readonly config: AppConfig;
  readonly faults: StubFaults;
  readonly links: LinkRepository;
  readonly meetings: MeetingRepository;
  readonly store: Store;
  /** Stores a link of this deployment's vendor in the given state; returns its id. */
  link(status?: LinkStatus, overrides?: { companyId?: number; userId?: number; vendor?: string }): Promise<LinkId>;
  close(): Promise<void>;
}

let nextUser = 1;

/** A whole deployment, built by the same composition root as production, minus the listening socket. */
export interface TestDeploymentOptions {
  /** Vendors beyond the registry's (a test-only OAuth vendor, say). */
  readonly plugins?: readonly VendorPlugin[];
  /** Receives every log line as JSON text (at debug level and above). */
  readonly logLines?: string[];
}

export async function testDeployment(env: Env = {}, options: TestDeploymentOptions = {}): Promise<TestDeployment> {
  const config = testConfig(env, [...vendorPlugins, ...(options.plugins ?? [])]);
  const lines = options.logLines;
  const logger =
    lines === undefined
      ? pino({ level: 'silent' })
      : createLogger('debug', { write: (line: string) => void lines.push(line) });
  const store = await openStore(config, logger);
  const container = buildContainer(config, logger, store);
  const app = container.get<HttpApp>(HttpApp);
  const links = container.get<LinkRepository>(LinkRepository);
  return {
    app,
    callback: checkedCallback(app.callback(), checkerFor(container.get<OpenApiDocument>(OpenApiDocument)), reportViolation),
    container,
    config,
    // Other vendors have no switchboard: an unused one keeps `faults.pending()` checks meaningful.
    faults: container.isBound(StubFaults) ? container.get(StubFaults) : new StubFaults(),
    links,
    meetings: container.get<MeetingRepository>(MeetingRepository),
    store,
    async link(status = 'active', overrides = {}) {
      const now = new Date();
      nextUser += 1;
      const link = withLinkStatus(
        newPendingLink({
          linkId: crypto.randomUUID() as LinkId,
          companyId: (overrides.companyId ?? 1000) as PipedriveId,
          userId: (overrides.userId ?? nextUser) as PipedriveId,
          vendor: (overrides.vendor ?? config.vendor.id) as VendorId,
          now,
        }),
        status,
        now,
      );
      const inserted = await links.insert(link)();
      if (E.isLeft(inserted)) throw new Error(`could not store the test link: ${inserted.left.message}`);
      return link.linkId;
    },
    close: () => store.close(),
  };
}
