import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Seconds; from a fast in-process answer to past Pipedrive's 10 s patience. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20];

/** Which grant a token refresh renewed. */
export type RefreshedGrantKind = 'pipedrive' | 'vendor';

/** `ok`, or the tag of the failure (`VendorTimeout`, `StoreUnavailable`...); `defect` for a throw. */
export type CallOutcome = string;

/**
 * One deployment's metrics, on a registry of its own: several deployments can live in one process
 * (the tests build many) without mixing their counts. The process's own metrics (CPU, memory, event
 * loop, GC) are about the process, not a deployment, so they are collected once per process and
 * served next to every deployment's.
 */
export class PrometheusMetrics {
  readonly registry = new Registry();
  private readonly scraped: Registry;

  private readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route template (never the raw path), method and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  private readonly vendorDuration = new Histogram({
    name: 'vendor_call_duration_seconds',
    help: 'Calls to the video vendor, by vendor, operation and outcome (ok or the failure tag).',
    labelNames: ['vendor', 'operation', 'outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  private readonly pipedriveDuration = new Histogram({
    name: 'pipedrive_call_duration_seconds',
    help: "Calls to Pipedrive's OAuth server and API, by operation and outcome (ok or the failure tag).",
    labelNames: ['operation', 'outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  private readonly tokenRefreshes = new Counter({
    name: 'token_refreshes_total',
    help: 'Access-token refreshes, by grant (pipedrive or vendor) and outcome (ok or the failure tag).',
    labelNames: ['grant', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly storeErrors = new Counter({
    name: 'store_errors_total',
    help: 'Store operations that failed because the store was unavailable, by store and operation.',
    labelNames: ['store', 'operation'] as const,
    registers: [this.registry],
  });

  constructor() {
    this.scraped = Registry.merge([processRegistry(), this.registry]);
  }

  /** The Prometheus text exposition of this deployment's and the process's metrics. */
  async scrape(): Promise<{ readonly contentType: string; readonly body: string }> {
    return { contentType: this.scraped.contentType, body: await this.scraped.metrics() };
  }

  httpRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status: String(status) }, seconds);
  }

  vendorCall(vendor: string, operation: string, outcome: CallOutcome, seconds: number): void {
    this.vendorDuration.observe({ vendor, operation, outcome }, seconds);
  }

  pipedriveCall(operation: string, outcome: CallOutcome, seconds: number): void {
    this.pipedriveDuration.observe({ operation, outcome }, seconds);
  }

  tokenRefresh(grant: RefreshedGrantKind, outcome: CallOutcome): void {
    this.tokenRefreshes.inc({ grant, outcome });
  }

  storeError(store: string, operation: string): void {
    this.storeErrors.inc({ store, operation });
  }
}

let processMetrics: Registry | undefined;

/**
 * CPU, memory, handles, event-loop lag and GC of this process, collected once: each
 * `collectDefaultMetrics` call starts its own GC observer and event-loop monitor that are never
 * stopped, so calling it per deployment would pile them up in a process that builds many.
 */
export function processRegistry(): Registry {
  if (processMetrics === undefined) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}
