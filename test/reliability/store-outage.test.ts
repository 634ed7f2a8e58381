import 'reflect-metadata';

import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import { pino } from 'pino';

import { LinkRepository } from '../../src/application/ports/link-repository.js';
import type { LinkId, PipedriveId, VendorId } from '../../src/domain/ids.js';
import { newPendingLink, withLinkStatus } from '../../src/domain/link.js';
import { startService, type RunningService } from '../../src/infrastructure/server.js';
import { startMongoStandin, type MongoStandin } from '../support/mongo-standin.js';
import { freePort } from '../support/processes.js';
import { BASIC, testConfig } from '../support/service.js';

/**
 * Item 5 of reliability: MongoDB stops under load and comes back. While it is away `/readyz`
 * answers 503 and the reverse API answers 503 JSON (never a hang, never a 500); when it returns,
 * the same process serves again without a restart. Runs against its own stand-in, which it stops
 * and starts; a real server behind MONGODB_URI cannot be stopped from here, so then it is skipped.
 *
 * The stand-in comes back EMPTY (unlike mongod), so the link is stored again after the restart.
 */

interface Answer {
  /** The phase the request started in, and the one it was answered in. */
  readonly phase: Phase;
  readonly ended: Phase;
  readonly status: number;
  readonly ms: number;
  readonly json: boolean;
  readonly code?: string;
}
type Phase = 'before' | 'down' | 'returning' | 'after';

const LINK_ID = '0b7d8a52-2f4e-4c1a-9e6b-3d5f7a9c1e20' as LinkId;

describe('store outage under load (own stand-in, stopped and restarted)', function () {
  this.timeout(90_000);
  let standin: MongoStandin | undefined;
  let service: RunningService | undefined;

  before(function () {
    if (process.env.MONGODB_URI?.trim()) this.skip();
  });

  after(async () => {
    await service?.stop();
    await standin?.stop();
  });

  it('answers 503 JSON quickly while MongoDB is away, and serves again when it returns, without a restart', async () => {
    standin = await startMongoStandin();
    const config = testConfig({ MONGODB_URI: standin.uri, MONGODB_DB: 'outage', PORT: String(await freePort()), REQUEST_TIMEOUT_MS: '8000' });
    service = await startService(config, pino({ level: 'silent' }));
    const base = `http://127.0.0.1:${service.port}`;
    const links = service.container.get<LinkRepository>(LinkRepository);
    const storeLink = async (): Promise<boolean> => {
      const now = new Date();
      const link = withLinkStatus(
        newPendingLink({ linkId: LINK_ID, companyId: 7 as PipedriveId, userId: 7 as PipedriveId, vendor: 'stub' as VendorId, now }),
        'active',
        now,
      );
      return E.isRight(await links.insert(link)());
    };
    const until = async (what: string, condition: () => Promise<boolean>, ms = 20_000): Promise<number> => {
      const started = Date.now();
      while (!(await condition())) {
        if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return Date.now() - started;
    };
    const readyz = async (): Promise<number> => (await fetch(`${base}/readyz`)).status;

    await until('the service to be ready', async () => (await readyz()) === 200);
    expect(await storeLink()).to.equal(true);

    // The load: four clients creating meetings back to back, each body different.
    let phase: Phase = 'before';
    let running = true;
    let sent = 0;
    const answers: Answer[] = [];
    const client = async (): Promise<void> => {
      while (running) {
        const at = phase;
        sent += 1;
        const started = performance.now();
        const response = await fetch(`${base}/api/v1/links/${LINK_ID}/meetings`, {
          method: 'POST',
          headers: { authorization: BASIC, 'content-type': 'application/json' },
          body: JSON.stringify({ topic: `Outage drill ${sent}`, start_time: '2026-12-01 15:00', duration: 30 }),
        });
        const text = await response.text();
        let code: string | undefined;
        let json = false;
        try {
          const body = JSON.parse(text) as { success?: boolean; error?: { code?: string; message?: string } };
          json = response.status === 201 ? body.success === true : body.success === false && typeof body.error?.message === 'string';
          code = body.error?.code;
        } catch {
          json = false;
        }
        answers.push({ phase: at, ended: phase, status: response.status, ms: performance.now() - started, json, ...(code === undefined ? {} : { code }) });
      }
    };
    const clients = Array.from({ length: 4 }, () => client());
    const during = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

    await during(1_000);
    phase = 'down';
    await standin.stop();
    const notReadyAfter = await until('/readyz to answer 503', async () => (await readyz()) === 503);
    await during(3_000);

    phase = 'returning';
    await standin.restart();
    const readyAgainAfter = await until('/readyz to answer 200 again', async () => (await readyz()) === 200, 30_000);
    await until('the link to be stored again (the stand-in came back empty)', storeLink);
    await during(100);
    phase = 'after';
    await during(1_000);
    running = false;
    await Promise.all(clients);

    // Requests wholly inside one phase; those spanning a stop or a restart are checked below.
    const of = (p: Phase) => answers.filter((a) => a.phase === p && a.ended === p);
    const statuses = (p: Phase) => [...new Set(of(p).map((a) => a.status))].sort();
    const downMs = of('down').map((a) => a.ms).sort((x, y) => x - y);
    const pct = (q: number): number => Math.round(downMs[Math.min(downMs.length - 1, Math.floor(q * downMs.length))] ?? NaN);
    console.log(
      `      outage drill: ${answers.length} requests; before ${of('before').length} (${statuses('before').join('/')}), ` +
        `down ${of('down').length} (${statuses('down').join('/')}), returning ${of('returning').length} (${statuses('returning').join('/')}), ` +
        `after ${of('after').length} (${statuses('after').join('/')}); ` +
        `503 latency p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${pct(1)} ms; ` +
        `/readyz 503 after ${notReadyAfter} ms, 200 again ${readyAgainAfter} ms after the restart`,
    );

    expect(statuses('before')).to.deep.equal([201]);
    expect(of('down').length, 'requests answered while the store was away').to.be.greaterThan(0);
    expect(statuses('down')).to.deep.equal([503]);
    expect(of('down').every((a) => a.code === 'STORE_UNAVAILABLE')).to.equal(true);
    // Whatever happened around the stop and the restart: successes, 503s and, once the stand-in
    // is back EMPTY and before the link is stored again, 404 LINK_NOT_FOUND; all in the contract's
    // shape, never a 500 or an HTML page.
    for (const a of answers) {
      const allowed = a.ended === 'returning' || a.ended === 'after' ? [201, 404, 503] : [201, 503];
      expect(allowed, `status of a request from ${a.phase} to ${a.ended}`).to.include(a.status);
      if (a.status === 404) expect(a.code).to.equal('LINK_NOT_FOUND');
      expect(a.json, `contract shape of a ${a.status} from ${a.phase} to ${a.ended}`).to.equal(true);
    }
    expect(of('after').length, 'requests served after the return').to.be.greaterThan(0);
    expect(statuses('after')).to.deep.equal([201]);
    // "Quickly": well inside the request budget, so a 503 and never a 504 or a hang.
    expect(Math.max(...downMs)).to.be.lessThan(8_000);
  });
});
