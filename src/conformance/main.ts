/**
 * `npm run conformance -- --base-url URL --client-id ID --client-secret S --link-id L [--manifest FILE]`
 *
 * Checks a deployment of a Pipedrive video-calling app the way Pipedrive uses it and prints one row per
 * check. Exit code 0 when every check passed, 1 when any failed, 2 for bad arguments.
 */
import { parseArgs } from 'node:util';

import { formatReport } from './report.js';
import { runConformance } from './runner.js';

const USAGE =
  'usage: npm run conformance -- --base-url URL --client-id ID --client-secret S --link-id L [--manifest FILE]';

const REQUIRED = ['base-url', 'client-id', 'client-secret', 'link-id'] as const;

function badArguments(message: string): number {
  process.stderr.write(`conformance: ${message}\n${USAGE}\n`);
  return 2;
}

async function main(argv: readonly string[]): Promise<number> {
  let values: Partial<Record<(typeof REQUIRED)[number] | 'manifest', string>> & { help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        'base-url': { type: 'string' },
        'client-id': { type: 'string' },
        'client-secret': { type: 'string' },
        'link-id': { type: 'string' },
        manifest: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return badArguments(error instanceof Error ? error.message : String(error));
  }
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const missing = REQUIRED.filter((name) => values[name] === undefined || values[name] === '');
  if (missing.length > 0) return badArguments(`missing ${missing.map((name) => `--${name}`).join(', ')}`);

  const baseUrl = values['base-url']!.replace(/\/+$/, '');
  try {
    const url = new URL(baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return badArguments('--base-url must be an http(s) URL');
  } catch {
    return badArguments(`--base-url ${JSON.stringify(baseUrl)} is not an absolute URL`);
  }

  const results = await runConformance({
    baseUrl,
    clientId: values['client-id']!,
    clientSecret: values['client-secret']!,
    linkId: values['link-id']!,
    manifestFile: values.manifest,
  });
  const colour = process.stdout.isTTY && process.env['NO_COLOR'] === undefined;
  process.stdout.write(formatReport(results, colour));
  return results.every((result) => result.passed) ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
