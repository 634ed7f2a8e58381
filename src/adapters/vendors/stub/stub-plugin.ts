import * as E from 'fp-ts/lib/Either.js';
import { ContainerModule } from 'inversify';

import { MeetingRepository } from '../../../application/ports/meeting-repository.js';
import { VideoVendor } from '../../../application/ports/video-vendor.js';
import { HttpRouteContributor } from '../../http/route-contributor.js';
import { vendorPlugin, type VendorEnvironment } from '../vendor-plugin.js';
import { StubFaults } from './stub-faults.js';
import { StubMeetingPage } from './stub-meeting-page.js';
import { STUB_VENDOR_ID, type StubVendorOptions, StubVideoVendor } from './stub-video-vendor.js';

function decodeStubConfig({ env, publicBaseUrl }: VendorEnvironment): E.Either<readonly string[], StubVendorOptions> {
  const raw = env['STUB_PASSCODES'] ?? 'true';
  if (raw !== 'true' && raw !== 'false') {
    return E.left([`STUB_PASSCODES must be true or false (got ${JSON.stringify(raw)})`]);
  }
  return E.right({ publicBaseUrl, passcodes: raw === 'true' });
}

/** The stub vendor: no network, no account; its join URLs open this deployment's own page. */
export const stubPlugin = vendorPlugin<StubVendorOptions>({
  id: STUB_VENDOR_ID,
  displayName: 'Stub Video',
  variables: ['STUB_PASSCODES'],
  decodeConfig: decodeStubConfig,
  module: (options) =>
    new ContainerModule(({ bind }) => {
      bind(StubFaults).toConstantValue(new StubFaults());
      bind<VideoVendor>(VideoVendor)
        .toResolvedValue((faults: StubFaults) => new StubVideoVendor(options, faults), [StubFaults])
        .inSingletonScope();
      bind<HttpRouteContributor>(HttpRouteContributor)
        .toResolvedValue((meetings: MeetingRepository) => new StubMeetingPage(meetings), [MeetingRepository])
        .inSingletonScope();
    }),
});
