import { ContainerModule } from 'inversify';

import { VideoVendor } from '../../../application/ports/video-vendor.js';
import { vendorPlugin } from '../vendor-plugin.js';
import { DAILY_VARIABLES, decodeDailyConfig, type DailyConfig } from './daily-config.js';
import { DAILY_VENDOR_ID, DailyVideoVendor } from './daily-video-vendor.js';

/**
 * Daily: public rooms open for the meeting's window. With `DAILY_API_KEY` the deployment's key is
 * used for everyone; without it each user pastes their own Daily API key at install.
 */
export const dailyPlugin = vendorPlugin<DailyConfig>({
  id: DAILY_VENDOR_ID,
  displayName: 'Daily',
  variables: DAILY_VARIABLES,
  decodeConfig: decodeDailyConfig,
  module: (config) =>
    new ContainerModule(({ bind }) => {
      bind<VideoVendor>(VideoVendor).toConstantValue(new DailyVideoVendor(config));
    }),
});
