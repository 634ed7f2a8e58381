import type { PipedriveApi } from '../../application/ports/pipedrive-api.js';
import type { VideoVendor } from '../../application/ports/video-vendor.js';
import { instrumented, type ObservedCall } from './instrumented.js';
import type { PrometheusMetrics } from './prometheus-metrics.js';

/**
 * Decorators the composition root puts around ports, so that use cases and adapters stay free of
 * metrics: the vendor (its meeting calls and its connection's OAuth calls), Pipedrive's client, and
 * the stores.
 */

/** Vendor calls by operation and outcome; the connection's `refresh` also counts as a token refresh. */
export function instrumentVideoVendor(vendor: VideoVendor, metrics: PrometheusMetrics): VideoVendor {
  const observe = (call: ObservedCall): void => {
    metrics.vendorCall(vendor.id, call.operation, call.outcome, call.seconds);
    if (call.operation === 'refresh') metrics.tokenRefresh('vendor', call.outcome);
  };
  return instrumented(vendor, observe, { connection: instrumented(vendor.connection, observe) });
}

/** Pipedrive calls by operation and outcome; `refresh` also counts as a token refresh. */
export function instrumentPipedriveApi(api: PipedriveApi, metrics: PrometheusMetrics): PipedriveApi {
  return instrumented(api, (call) => {
    metrics.pipedriveCall(call.operation, call.outcome, call.seconds);
    if (call.operation === 'refresh') metrics.tokenRefresh('pipedrive', call.outcome);
  });
}

/** Counts every operation of a store that answered `StoreUnavailable`. */
export function instrumentStore<T extends object>(store: T, name: string, metrics: PrometheusMetrics): T {
  return instrumented(store, (call) => {
    if (call.outcome === 'StoreUnavailable') metrics.storeError(name, call.operation);
  });
}
