import 'reflect-metadata';

import * as E from 'fp-ts/lib/Either.js';

import { LinkRepository } from '../../../src/application/ports/link-repository.js';
import { vendorPlugins } from '../../../src/adapters/vendors/registry.js';
import type { PipedriveId } from '../../../src/domain/ids.js';
import type { Link } from '../../../src/domain/link.js';
import { type Env, loadConfig } from '../../../src/infrastructure/config.js';
import { createLogger } from '../../../src/infrastructure/logger.js';
import { type RunningService, startService } from '../../../src/infrastructure/server.js';
import { freePort } from '../../support/processes.js';
import { BASIC, CLIENT_ID, CLIENT_SECRET } from '../../support/service.js';

/**
 * The service as production runs it (`startService`: the real composition root, listening on a
 * loopback port the browser reaches), with the in-process store and every log line kept.
 */
export interface BrowserDeployment {
  readonly baseUrl: string;
  readonly running: RunningService;
  /** Every log line, parsed. */
  logs(): Record<string, unknown>[];
  /** The stored link of a Pipedrive user, if any. */
  linkOf(companyId: number, userId: number): Promise<Link | undefined>;
  /** A reverse-API call, as Pipedrive makes it. */
  api(method: string, path: string, body?: unknown): Promise<globalThis.Response>;
  stop(): Promise<void>;
}

export const CLIENT = { id: CLIENT_ID, secret: CLIENT_SECRET } as const;

/** The port comes first: the public address (and so every redirect URI) names it. */
export async function reservePort(): Promise<{ port: number; baseUrl: string }> {
  const port = await freePort();
  return { port, baseUrl: `http://127.0.0.1:${port}` };
}

export async function startDeployment(at: { port: number; baseUrl: string }, env: Env): Promise<BrowserDeployment> {
  const loaded = loadConfig(
    {
      PORT: String(at.port),
      PUBLIC_BASE_URL: at.baseUrl,
      PIPEDRIVE_CLIENT_ID: CLIENT_ID,
      PIPEDRIVE_CLIENT_SECRET: CLIENT_SECRET,
      LOG_LEVEL: 'info',
      ...env,
    },
    vendorPlugins,
  );
  if (E.isLeft(loaded)) throw new Error(`test configuration refused: ${loaded.left.join('; ')}`);
  const lines: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
  const running = await startService(loaded.right, logger);
  const links = running.container.get<LinkRepository>(LinkRepository);
  return {
    baseUrl: at.baseUrl,
    running,
    logs: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    async linkOf(companyId, userId) {
      const found = await links.findByPipedriveUser(companyId as PipedriveId, userId as PipedriveId)();
      if (E.isLeft(found)) throw new Error(found.left.message);
      return found.right._tag === 'Some' ? found.right.value : undefined;
    },
    api: (method, path, body) =>
      fetch(`${at.baseUrl}${path}`, {
        method,
        headers: { authorization: BASIC, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    stop: () => running.stop(),
  };
}
