import { ContainerModule, type ResolutionContext } from 'inversify';

import { LinkRepository } from '../../application/ports/link-repository.js';
import { MeetingRepository } from '../../application/ports/meeting-repository.js';
import { UsedOAuthStates } from '../../application/ports/oauth-state.js';
import { PipedriveApi } from '../../application/ports/pipedrive-api.js';
import { VideoVendor } from '../../application/ports/video-vendor.js';
import {
  instrumentPipedriveApi,
  instrumentStore,
  instrumentVideoVendor,
} from '../../adapters/metrics/instrumented-ports.js';
import { PrometheusMetrics } from '../../adapters/metrics/prometheus-metrics.js';

/**
 * The deployment's metrics, and the decorators that feed them. Activation hooks wrap each port as
 * whatever module bound it hands it out, so the vendor, persistence and Pipedrive modules (and the
 * use cases that receive the ports) know nothing of metrics. One registry per container: tests
 * build many deployments in one process.
 */
export const metricsModule = (): ContainerModule =>
  new ContainerModule(({ bind, onActivation }) => {
    bind(PrometheusMetrics).toConstantValue(new PrometheusMetrics());
    const metrics = (context: ResolutionContext): PrometheusMetrics => context.get(PrometheusMetrics);
    onActivation<VideoVendor>(VideoVendor, (context, vendor) => instrumentVideoVendor(vendor, metrics(context)));
    onActivation<PipedriveApi>(PipedriveApi, (context, api) => instrumentPipedriveApi(api, metrics(context)));
    onActivation<LinkRepository>(LinkRepository, (context, links) => instrumentStore(links, 'links', metrics(context)));
    onActivation<MeetingRepository>(MeetingRepository, (context, meetings) =>
      instrumentStore(meetings, 'meetings', metrics(context)),
    );
    onActivation<UsedOAuthStates>(UsedOAuthStates, (context, used) => instrumentStore(used, 'oauth_states', metrics(context)));
  });
