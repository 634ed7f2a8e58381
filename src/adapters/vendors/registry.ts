import { dailyPlugin } from './daily/daily-plugin.js';
import { jitsiPlugin } from './jitsi/jitsi-plugin.js';
import { stubPlugin } from './stub/stub-plugin.js';
import type { VendorPlugin } from './vendor-plugin.js';
import { zoomPlugin } from './zoom/zoom-plugin.js';

/**
 * Every vendor this build can serve, by `VIDEO_VENDOR` value. Adding a vendor: a folder next to
 * `stub/` and one line here.
 */
export const vendorPlugins: readonly VendorPlugin[] = [stubPlugin, zoomPlugin, jitsiPlugin, dailyPlugin];

export function findVendorPlugin(id: string): VendorPlugin | undefined {
  return vendorPlugins.find((plugin) => plugin.id === id);
}
