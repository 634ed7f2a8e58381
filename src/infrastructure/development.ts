import * as E from 'fp-ts/lib/Either.js';
import type { Container } from 'inversify';

import { LinkRepository } from '../application/ports/link-repository.js';
import type { LinkId, PipedriveId } from '../domain/ids.js';
import { newPendingLink, withLinkStatus } from '../domain/link.js';
import { instantToStartTime } from '../domain/time.js';
import type { AppConfig } from './config.js';
import type { Store } from './store.js';

/** The demo link's id is fixed so the printed curl keeps working across restarts. */
export const DEMO_LINK_ID = '5e0d0f6a-7c1b-4d2e-9f3a-0b1c2d3e4f50' as LinkId;
const DEMO_COMPANY = 1 as PipedriveId;
const DEMO_USER = 1 as PipedriveId;

/**
 * Outside production, a ready link to try the API with, as if a user had installed the app.
 * Idempotent: an existing demo link is left as it is.
 */
export async function seedDemoLink(container: Container, config: AppConfig): Promise<void> {
  const links = container.get<LinkRepository>(LinkRepository);
  const now = new Date();
  const link = withLinkStatus(
    newPendingLink({ linkId: DEMO_LINK_ID, companyId: DEMO_COMPANY, userId: DEMO_USER, vendor: config.vendor.id, now }),
    'active',
    now,
  );
  const inserted = await links.insert(link)();
  if (E.isLeft(inserted) && inserted.left._tag === 'StoreUnavailable') {
    throw new Error(`could not seed the demo link: ${inserted.left.message}`);
  }
}

/** What a newcomer needs to try the service: where it is, how to call it, with what. */
export function developmentBanner(config: AppConfig, store: Store, port: number): string {
  const base = config.publicBaseUrl;
  const tomorrow = new Date(Date.now() + 24 * 3600 * 1000);
  tomorrow.setUTCHours(15, 0, 0, 0);
  const body = JSON.stringify({ topic: 'Demo call', start_time: instantToStartTime(tomorrow), duration: 30 });
  const credentials = `${config.pipedrive.clientId}:${config.pipedrive.developmentCredentials ? config.pipedrive.clientSecret : '<PIPEDRIVE_CLIENT_SECRET>'}`;
  return [
    '',
    `  Pipedrive video: vendor "${config.vendor.id}", listening on port ${port}, reached at ${base}`,
    `  Store: ${store.description}`,
    ...(config.pipedrive.developmentCredentials
      ? [
          '  Development credentials (never use them in production):',
          `    PIPEDRIVE_CLIENT_ID=${config.pipedrive.clientId}`,
          `    PIPEDRIVE_CLIENT_SECRET=${config.pipedrive.clientSecret}`,
        ]
      : []),
    `  Demo link: ${DEMO_LINK_ID}`,
    '  Create a meeting on it:',
    `    curl -i -u '${credentials}' -H 'Content-Type: application/json' \\`,
    `      -d '${body}' \\`,
    `      ${base}/api/v1/links/${DEMO_LINK_ID}/meetings`,
    `  Manifest: ${base}/manifest.json`,
    '',
  ].join('\n');
}
