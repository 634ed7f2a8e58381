import * as E from 'fp-ts/lib/Either.js';
import { ContainerModule } from 'inversify';

import { MeetingRepository } from '../../../application/ports/meeting-repository.js';
import { VideoVendor } from '../../../application/ports/video-vendor.js';
import { HttpRouteContributor } from '../../http/route-contributor.js';
import { vendorPlugin, type VendorEnvironment } from '../vendor-plugin.js';
import { parseStubFaults, StubFaults } from './stub-faults.js';
import { StubMeetingPage } from './stub-meeting-page.js';
import { STUB_VENDOR_ID, type StubVendorOptions, StubVideoVendor } from './stub-video-vendor.js';

interface StubConfig extends StubVendorOptions {
  /** Faults armed at start (`STUB_FAULTS`), for drills against a whole process. */
  readonly faults: StubFaults;
}

function decodeStubConfig({ env, publicBaseUrl, production }: VendorEnvironment): E.Either<readonly string[], StubConfig> {
  const problems: string[] = [];
  const raw = env['STUB_PASSCODES'] ?? 'true';
  if (raw !== 'true' && raw !== 'false') problems.push(`STUB_PASSCODES must be true or false (got ${JSON.stringify(raw)})`);
  let faults = new StubFaults();
  const armed = env['STUB_FAULTS']?.trim() ?? '';
  if (armed !== '') {
    if (production) problems.push('STUB_FAULTS arms crashes and failures for drills: it is refused with NODE_ENV=production');
    const parsed = parseStubFaults(armed);
    if ('problems' in parsed) problems.push(...parsed.problems);
    else faults = parsed.faults;
  }
  return problems.length > 0 ? E.left(problems) : E.right({ publicBaseUrl, passcodes: raw === 'true', faults });
}

/** The stub vendor: no network, no account; its join URLs open this deployment's own page. */
export const stubPlugin = vendorPlugin<StubConfig>({
  id: STUB_VENDOR_ID,
  displayName: 'Stub Video',
  variables: ['STUB_PASSCODES', 'STUB_FAULTS'],
  decodeConfig: decodeStubConfig,
  module: (options) =>
    new ContainerModule(({ bind }) => {
      bind(StubFaults).toConstantValue(options.faults);
      bind<VideoVendor>(VideoVendor)
        .toResolvedValue((faults: StubFaults) => new StubVideoVendor(options, faults), [StubFaults])
        .inSingletonScope();
      bind<HttpRouteContributor>(HttpRouteContributor)
        .toResolvedValue((meetings: MeetingRepository) => new StubMeetingPage(meetings), [MeetingRepository])
        .inSingletonScope();
    }),
});
