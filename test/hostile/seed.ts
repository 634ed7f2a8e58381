import * as E from 'fp-ts/lib/Either.js';
import type { Container } from 'inversify';

import { LinkRepository } from '../../src/application/ports/link-repository.js';
import { VideoVendor } from '../../src/application/ports/video-vendor.js';
import type { LinkId, PipedriveId } from '../../src/domain/ids.js';
import { newPendingLink, withLinkStatus } from '../../src/domain/link.js';

let nextUser = 5000;

/** An installed, active link of the deployment's vendor, stored through its own repository. */
export async function seedActiveLink(container: Container): Promise<LinkId> {
  const now = new Date();
  nextUser += 1;
  const link = withLinkStatus(
    newPendingLink({
      linkId: crypto.randomUUID() as LinkId,
      companyId: 1000 as PipedriveId,
      userId: nextUser as PipedriveId,
      vendor: container.get<VideoVendor>(VideoVendor).id,
      now,
    }),
    'active',
    now,
  );
  const inserted = await container.get<LinkRepository>(LinkRepository).insert(link)();
  if (E.isLeft(inserted)) throw new Error(`could not store the test link: ${inserted.left.message}`);
  return link.linkId;
}
