import { ContainerModule } from 'inversify';

import { DeauthorizeVendorUser } from '../../../application/install/deauthorize-vendor-user.js';
import { Clock } from '../../../application/ports/clock.js';
import { Logger } from '../../../application/ports/logger.js';
import { VideoVendor } from '../../../application/ports/video-vendor.js';
import { HttpRouteContributor } from '../../http/route-contributor.js';
import { vendorPlugin } from '../vendor-plugin.js';
import { decodeZoomConfig, ZOOM_VARIABLES, type ZoomConfig } from './zoom-config.js';
import { ZOOM_VENDOR_ID, ZoomVideoVendor } from './zoom-video-vendor.js';
import { ZoomWebhookRoute } from './zoom-webhook.js';

/**
 * Zoom: each Pipedrive user connects their own Zoom account (user-level OAuth); Zoom's signed
 * notifications (`app_deauthorized`) arrive at `/webhooks/zoom`.
 */
export const zoomPlugin = vendorPlugin<ZoomConfig>({
  id: ZOOM_VENDOR_ID,
  displayName: 'Zoom',
  variables: ZOOM_VARIABLES,
  decodeConfig: decodeZoomConfig,
  module: (config) =>
    new ContainerModule(({ bind }) => {
      bind<VideoVendor>(VideoVendor)
        .toResolvedValue((clock: Clock) => new ZoomVideoVendor(config, clock), [Clock])
        .inSingletonScope();
      bind<HttpRouteContributor>(HttpRouteContributor)
        .toResolvedValue(
          (deauthorize: DeauthorizeVendorUser, clock: Clock, logger: Logger) =>
            new ZoomWebhookRoute(config.webhookSecretToken, deauthorize, clock, logger),
          [DeauthorizeVendorUser, Clock, Logger],
        )
        .inSingletonScope();
    }),
});
