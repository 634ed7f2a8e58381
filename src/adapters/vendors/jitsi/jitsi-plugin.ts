import { ContainerModule } from 'inversify';

import { Clock } from '../../../application/ports/clock.js';
import { MeetingRepository } from '../../../application/ports/meeting-repository.js';
import { VideoVendor } from '../../../application/ports/video-vendor.js';
import { HttpRouteContributor } from '../../http/route-contributor.js';
import { vendorPlugin } from '../vendor-plugin.js';
import { JitsiAccess } from './jitsi-access.js';
import { decodeJitsiConfig, JITSI_VARIABLES, type JitsiConfig } from './jitsi-config.js';
import { JitsiJoinRoute } from './jitsi-join-route.js';
import { JITSI_VENDOR_ID, JitsiVideoVendor } from './jitsi-video-vendor.js';

/**
 * Jitsi: no account to connect and no meeting API. `JITSI_MODE` picks public rooms (meet.jit.si),
 * 8x8 JaaS or a self-hosted server with token auth; in the token modes the join link is this
 * deployment's `/j/<room>`, which mints a token for the meeting's current window when opened.
 */
export const jitsiPlugin = vendorPlugin<JitsiConfig>({
  id: JITSI_VENDOR_ID,
  displayName: 'Jitsi Meet',
  variables: JITSI_VARIABLES,
  decodeConfig: decodeJitsiConfig,
  module: (config) =>
    new ContainerModule(({ bind }) => {
      bind(JitsiAccess).toConstantValue(new JitsiAccess(config));
      bind<VideoVendor>(VideoVendor)
        .toResolvedValue((access: JitsiAccess) => new JitsiVideoVendor(access), [JitsiAccess])
        .inSingletonScope();
      // Public rooms are entered directly; only the token modes hand out `/j/<room>` links.
      if (config.auth.mode !== 'public') {
        bind<HttpRouteContributor>(HttpRouteContributor)
          .toResolvedValue(
            (meetings: MeetingRepository, access: JitsiAccess, clock: Clock) => new JitsiJoinRoute(meetings, access, clock),
            [MeetingRepository, JitsiAccess, Clock],
          )
          .inSingletonScope();
      }
    }),
});
