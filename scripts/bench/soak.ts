/**
 * `npm run soak`: a mixed create/update/delete load on a deployment for a set time; prints the
 * requests served, the errors by operation and status, latency percentiles and the service's
 * memory at the start and the end (with samples in between). Exits 1 on any unexpected error, or
 * when memory grew beyond the bound.
 *
 *   npm run soak                          # 60 s on a fresh deployment (stub vendor, built dist/)
 *                                         # on MongoDB: the stand-in, or MONGODB_URI when set
 *   npm run soak -- --duration 600        # ten minutes
 *   npm run soak -- --url http://host:3000 --link-id ID --client-id ID --client-secret S [--pid N]
 *                                         # a deployment that is already running
 *
 * Options: --duration seconds (60), --connections (10), --sample seconds (10), --max-growth-mb (32):
 * the bound on RSS growth, the median of the samples in the last fifth of the run minus the median
 * of those from 10 % to 30 % of it (after warm-up), so the garbage collector's swings do not count.
 */
import { parseArgs } from 'node:util';

import { startMongoStandin } from '../../test/support/mongo-standin.js';
import { type SoakReport, soak } from './load.js';
import {
  basicAuth,
  DEMO_LINK_ID,
  DEV_CLIENT_ID,
  DEV_CLIENT_SECRET,
  freePort,
  mb,
  spawnService,
  waitUntilReady,
} from './processes.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    connections: { type: 'string', default: '10' },
    sample: { type: 'string', default: '10' },
    'max-growth-mb': { type: 'string', default: '32' },
    url: { type: 'string' },
    'link-id': { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    pid: { type: 'string' },
  },
  strict: true,
});

function whole(name: string, raw: string | undefined, min: number): number {
  const value = Number(raw);
  if (raw === undefined || !Number.isInteger(value) || value < min) {
    throw new Error(`--${name} must be a whole number from ${min} (got ${JSON.stringify(raw)})`);
  }
  return value;
}

async function main(): Promise<void> {
  const durationS = whole('duration', values.duration, 1);
  const connections = whole('connections', values.connections, 1);
  const sampleEveryS = whole('sample', values.sample, 1);
  const maxGrowthBytes = whole('max-growth-mb', values['max-growth-mb'], 0) * 1e6;

  if (values.url !== undefined) {
    const missing = (['link-id', 'client-id', 'client-secret'] as const).filter((name) => values[name] === undefined);
    if (missing.length > 0) throw new Error(`with --url, also give ${missing.map((name) => `--${name}`).join(', ')}`);
    const report = await soak(
      {
        base: values.url.replace(/\/+$/, ''),
        linkId: values['link-id']!,
        authorization: basicAuth(values['client-id']!, values['client-secret']!),
        ...(values.pid === undefined ? {} : { pid: whole('pid', values.pid, 1) }),
      },
      { durationS, connections, sampleEveryS, onSample: progress },
    );
    finish(report, `${values.url}`, maxGrowthBytes);
    return;
  }

  const given = process.env['MONGODB_URI']?.trim();
  const standin = given ? undefined : await startMongoStandin();
  const uri = given || standin!.uri;
  const storeLabel = given ? 'MongoDB (MONGODB_URI)' : 'the MongoDB stand-in (mockupdb+mongomock)';
  const port = await freePort();
  const service = spawnService({
    entry: 'built',
    env: { PORT: String(port), VIDEO_VENDOR: 'stub', MONGODB_URI: uri, MONGODB_DB: `soak_${Date.now().toString(36)}` },
  });
  try {
    await waitUntilReady(service);
    process.stderr.write(`soak: ${durationS} s, ${connections} connections, on ${service.base} (stub vendor, ${storeLabel})\n`);
    const report = await soak(
      { base: service.base, linkId: DEMO_LINK_ID, authorization: basicAuth(DEV_CLIENT_ID, DEV_CLIENT_SECRET), pid: service.pid },
      { durationS, connections, sampleEveryS, onSample: progress },
    );
    finish(report, `our deployment (built dist/, stub vendor, ${storeLabel})`, maxGrowthBytes);
  } finally {
    await service.stop();
    await standin?.stop();
  }
}

function progress(sample: { atS: number; rssBytes: number }): void {
  process.stderr.write(`  ${String(sample.atS).padStart(5)} s  RSS ${mb(sample.rssBytes)}\n`);
}

function finish(report: SoakReport, what: string, maxGrowthBytes: number): void {
  const growth = memoryGrowth(report);
  process.stdout.write(`${describe(report, what, maxGrowthBytes, growth)}\n`);
  const grewTooMuch = growth !== undefined && growth > maxGrowthBytes;
  if (report.unexpectedErrors > 0 || report.served === 0 || grewTooMuch) process.exitCode = 1;
}

/**
 * How much the service's memory grew over the run, robust to the garbage collector's swings: the
 * median RSS of the last fifth of the run minus the median RSS of the fifth that follows the
 * warm-up (10 % to 30 % of the run). Undefined when the run has too few samples for both.
 */
function memoryGrowth(report: SoakReport): number | undefined {
  const memory = report.memory;
  if (memory === undefined) return undefined;
  const d = report.durationS;
  const early = memory.samples.filter((sample) => sample.atS >= d * 0.1 && sample.atS <= d * 0.3);
  const late = memory.samples.filter((sample) => sample.atS >= d * 0.8).map((sample) => sample.rssBytes);
  late.push(memory.end.rssBytes);
  if (early.length === 0) return undefined;
  return median(late) - median(early.map((sample) => sample.rssBytes));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function describe(
  report: SoakReport,
  what: string,
  maxGrowthBytes: number,
  growth: number | undefined,
): string {
  const lines = [
    `# npm run soak: ${Math.round(report.durationS)} s, ${report.connections} connections, on ${what}`,
    `served: ${report.served.toLocaleString('en-US')} responses (${Math.round(report.served / report.durationS)}/s)`,
  ];
  for (const [operation, tally] of Object.entries(report.operations)) {
    const unexpected = Object.entries(tally.unexpected).map(([status, n]) => `${n}×${status}`);
    lines.push(
      `  ${operation.padEnd(6)} ${tally.expected.toLocaleString('en-US')} as expected; unexpected: ${unexpected.length === 0 ? 'none' : unexpected.join(', ')}`,
    );
  }
  lines.push(
    `  no answer: ${report.connectionErrors} connection errors, ${report.timeouts} timeouts`,
    `unexpected errors: ${report.unexpectedErrors}`,
    `latency (all operations): p50 ${report.latencyMs.p50} ms, p90 ${report.latencyMs.p90} ms, ` +
      `p99 ${report.latencyMs.p99} ms, p99.9 ${report.latencyMs.p99_9} ms, max ${report.latencyMs.max} ms`,
  );
  const memory = report.memory;
  if (memory === undefined) {
    lines.push('memory: not measured (give --pid of a service on this machine)');
  } else {
    lines.push(
      `memory (RSS of the service): start ${mb(memory.start.rssBytes)}, end ${mb(memory.end.rssBytes)}, peak ${mb(memory.end.peakRssBytes)}`,
      `  samples: ${memory.samples.map((sample) => `${sample.atS}s ${mb(sample.rssBytes)}`).join(', ')}`,
      growth === undefined
        ? '  growth: the run is too short for a sample after warm-up'
        : `  growth (median RSS of the last fifth minus that of 10–30 % of the run): ${mb(growth)} ` +
          `(bound ${mb(maxGrowthBytes)}: ${growth <= maxGrowthBytes ? 'within' : 'EXCEEDED'})`,
    );
  }
  return lines.join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`soak failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
