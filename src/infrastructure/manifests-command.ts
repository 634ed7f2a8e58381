import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { buildManifest } from '../adapters/http/manifest.js';
import { vendorPlugins } from '../adapters/vendors/registry.js';

/**
 * `npm run manifests`: writes `manifests/<vendor>.json` for every vendor, from the same code that
 * serves /manifest.json. `--check` writes nothing and fails when a committed file is out of date.
 * A deployer copies the file, puts in the real address and client id, and uploads it.
 */

export const PLACEHOLDER_CLIENT_ID = 'YOUR_PIPEDRIVE_CLIENT_ID';

export function placeholderManifests(): ReadonlyMap<string, string> {
  return new Map(
    vendorPlugins.map((plugin) => [
      `${plugin.id}.json`,
      `${JSON.stringify(buildManifest(`https://${plugin.id}.video.example.com`, PLACEHOLDER_CLIENT_ID), null, 2)}\n`,
    ]),
  );
}

async function main(argv: readonly string[]): Promise<number> {
  const check = argv.includes('--check');
  const directory = join(process.cwd(), 'manifests');
  let stale = 0;
  for (const [file, content] of placeholderManifests()) {
    const path = join(directory, file);
    const current = await readFile(path, 'utf-8').catch(() => undefined);
    if (current === content) continue;
    if (check) {
      stale += 1;
      process.stderr.write(`manifests/${file} is out of date: run npm run manifests\n`);
    } else {
      await writeFile(path, content);
      process.stdout.write(`wrote manifests/${file}\n`);
    }
  }
  return stale === 0 ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
