import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import { pino } from 'pino';

import { LinkRepository } from '../../src/application/ports/link-repository.js';
import { StubFaults } from '../../src/adapters/vendors/stub/stub-faults.js';
import type { LinkId, PipedriveId } from '../../src/domain/ids.js';
import { newPendingLink, withLinkStatus } from '../../src/domain/link.js';
import { startService } from '../../src/infrastructure/server.js';
import { freePort, run, type Started, waitFor } from '../support/processes.js';
import { BASIC, testConfig } from '../support/service.js';

/** Runs the service the way `npm start` does (minus the build), with exactly the given environment. */
const runService = (env: Record<string, string>): Started => run('src/infrastructure/main.ts', [], env);

describe('the process (as `npm start` runs it)', function () {
  this.timeout(40_000);

  it('with no environment: serves the stub on memory, prints credentials and a curl that works; stops on SIGTERM', async () => {
    const port = await freePort();
    const service = runService({ PORT: String(port) });
    try {
      await waitFor(() => service.stdout().includes('Manifest:'), 'the start banner');
      const banner = service.stdout();
      expect(banner).to.contain('PIPEDRIVE_CLIENT_ID=dev-client-id').and.contain('PIPEDRIVE_CLIENT_SECRET=dev-client-secret');
      expect(banner).to.contain('in-process memory');

      // Run exactly what the banner printed: credentials, body and URL of its curl.
      const curl = banner.slice(banner.indexOf('curl ')).split('\n  Manifest:')[0]!.replace(/\\\n\s*/g, ' ');
      const credentials = /-u '([^']+)'/.exec(curl)?.[1];
      const body = /-d '([^']+)'/.exec(curl)?.[1];
      const url = /(http:\/\/\S+)/.exec(curl)?.[1];
      expect(credentials, curl).to.be.a('string');
      expect(body, curl).to.be.a('string');
      expect(url, curl).to.equal(`http://localhost:${port}/api/v1/links/5e0d0f6a-7c1b-4d2e-9f3a-0b1c2d3e4f50/meetings`);
      const headers = {
        Authorization: `Basic ${Buffer.from(credentials!).toString('base64')}`,
        'Content-Type': 'application/json',
      };
      const created = await fetch(url!, { method: 'POST', headers, body: body! });
      expect(created.status).to.equal(201);
      const meetingId = ((await created.json()) as { data: { meeting_id: string } }).data.meeting_id;
      const patched = await fetch(`${url!}/${meetingId}`, { method: 'PATCH', headers, body: body! });
      expect(patched.status).to.equal(204);
      const deleted = await fetch(`${url!}/${meetingId}`, { method: 'DELETE', headers });
      expect(deleted.status).to.equal(204);

      service.child.kill('SIGTERM');
      expect(await service.exited).to.equal(0);
      expect(service.stdout()).to.match(/"msg":"stopped"/);
    } finally {
      service.child.kill('SIGKILL');
    }
  });

  it('with NODE_ENV=production and nothing else: exits 1 naming each missing variable on its own line', async () => {
    const service = runService({ NODE_ENV: 'production' });
    expect(await service.exited).to.equal(1);
    const lines = service.stderr().trim().split('\n');
    for (const name of ['PUBLIC_BASE_URL', 'PIPEDRIVE_CLIENT_ID', 'PIPEDRIVE_CLIENT_SECRET', 'MONGODB_URI', 'ENCRYPTION_KEY']) {
      expect(lines.filter((line) => line.startsWith(`config: ${name} `)), name).to.have.length(1);
    }
    expect(service.stdout()).not.to.contain('curl');
  });

  it('with NODE_ENV=production: starts without its store (not ready), prints no banner, credentials or demo link', async () => {
    const port = await freePort();
    const service = runService({
      NODE_ENV: 'production',
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      PIPEDRIVE_CLIENT_ID: 'prod-id',
      PIPEDRIVE_CLIENT_SECRET: 'prod-secret-value',
      // Unreachable on purpose: production must start (and say it is not ready) without its store.
      MONGODB_URI: 'mongodb://127.0.0.1:1/?directConnection=true&serverSelectionTimeoutMS=200',
      ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64url'),
    });
    try {
      await waitFor(() => service.stdout().includes('"msg":"listening"'), 'the listening line');
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).to.equal(503);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).to.equal(200);
      expect(service.stdout()).not.to.contain('curl').and.not.contain('Demo link').and.not.contain('prod-secret-value');
      service.child.kill('SIGTERM');
      expect(await service.exited).to.equal(0);
    } finally {
      service.child.kill('SIGKILL');
    }
  });
});

describe('graceful stop', () => {
  it('finishes a request in flight, refuses new connections, then resolves', async () => {
    const config = testConfig({ PORT: String(await freePort()) });
    const service = await startService(config, pino({ level: 'silent' }));
    try {
      const now = new Date();
      const link = withLinkStatus(
        newPendingLink({
          linkId: crypto.randomUUID() as LinkId,
          companyId: 5 as PipedriveId,
          userId: 5 as PipedriveId,
          vendor: config.vendor.id,
          now,
        }),
        'active',
        now,
      );
      expect(E.isRight(await service.container.get<LinkRepository>(LinkRepository).insert(link)())).to.equal(true);
      service.container.get(StubFaults).arm('create', { kind: 'delay', ms: 400 });

      const base = `http://127.0.0.1:${service.port}`;
      const inFlight = fetch(`${base}/api/v1/links/${link.linkId}/meetings`, {
        method: 'POST',
        headers: { Authorization: BASIC, 'Content-Type': 'application/json' },
        body: JSON.stringify({ topic: 'Slow', start_time: '2026-12-01 10:00', duration: 30 }),
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const stopped = service.stop();
      const response = await inFlight;
      expect(response.status).to.equal(201);
      const stopStarted = Date.now();
      await stopped;
      expect(Date.now() - stopStarted, 'the stop ends soon after the last request').to.be.below(1_000);
      let refused = false;
      try {
        await fetch(`${base}/healthz`);
      } catch {
        refused = true;
      }
      expect(refused, 'a new connection after stop is refused').to.equal(true);
    } finally {
      await service.stop();
    }
  });
});
