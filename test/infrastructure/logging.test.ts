import { readFileSync } from 'node:fs';

import { expect } from 'chai';
import request from 'supertest';

import { createLogger, REDACTED, SECRET_CONTAINERS, SECRET_FIELD_NAMES } from '../../src/infrastructure/logger.js';
import { freePort, run, type Started, waitFor } from '../support/processes.js';
import { BASIC, testDeployment, type TestDeployment } from '../support/service.js';

type Line = Record<string, unknown>;

const parsed = (lines: readonly string[]): Line[] => lines.map((line) => JSON.parse(line) as Line);
const requestLines = (lines: readonly string[], requestId: string): Line[] =>
  parsed(lines).filter((line) => line['msg'] === 'request' && line['requestId'] === requestId);

const BODY = { topic: 'Logged call', start_time: '2026-12-01 10:00', duration: 30 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('logs: one JSON line per request', () => {
  let deployment: TestDeployment;
  let lines: string[];

  beforeEach(async () => {
    lines = [];
    deployment = await testDeployment({}, { logLines: lines });
  });
  afterEach(() => deployment.close());

  it('names the request id it was given, the vendor, method, path, route template, status, duration and outcome', async () => {
    const linkId = await deployment.link('active');
    const response = await request(deployment.callback)
      .post(`/api/v1/links/${linkId}/meetings`)
      .set('Authorization', BASIC)
      .set('X-Request-Id', 'trace-4711')
      .send(BODY);
    expect(response.status).to.equal(201);
    expect(response.headers['x-request-id']).to.equal('trace-4711');

    const logged = requestLines(lines, 'trace-4711');
    expect(logged).to.have.length(1);
    const line = logged[0]!;
    expect(line).to.include({
      level: 30,
      service: 'pipedrive-video',
      vendor: 'stub',
      method: 'POST',
      path: `/api/v1/links/${linkId}/meetings`,
      route: '/api/v1/links/:linkId/meetings',
      status: 201,
      outcome: 'CREATED',
    });
    expect(line['ms']).to.be.a('number').and.at.least(0);
    expect(line['time']).to.be.a('number');
  });

  it('makes up a request id when none or a malformed one is given, answers it and logs it', async () => {
    for (const given of [undefined, 'has spaces <and> brackets']) {
      const call = request(deployment.callback).get('/healthz');
      const response = await (given === undefined ? call : call.set('X-Request-Id', given));
      const id = response.headers['x-request-id'] as string;
      expect(id).to.match(UUID);
      const [line] = requestLines(lines, id);
      expect(line).to.include({ method: 'GET', path: '/healthz', route: '/healthz', status: 200, outcome: 'OK', vendor: 'stub' });
    }
    expect(lines.join('\n')).not.to.contain('has spaces');
  });

  it('gives every request an outcome: the error code, or the route it did not find', async () => {
    const unknown = await request(deployment.callback).get('/no/such/route').set('X-Request-Id', 'lost-1');
    expect(unknown.status).to.equal(404);
    expect(requestLines(lines, 'lost-1')[0]).to.include({ route: 'unmatched', status: 404, outcome: 'NOT_FOUND' });

    const unauthorized = await request(deployment.callback)
      .post(`/api/v1/links/${crypto.randomUUID()}/meetings`)
      .set('X-Request-Id', 'denied-1')
      .send(BODY);
    expect(unauthorized.status).to.equal(401);
    expect(requestLines(lines, 'denied-1')[0]).to.include({ status: 401, outcome: 'UNAUTHORIZED', level: 30 });
  });

  it('logs a failed answer (5xx) at warn', async () => {
    const linkId = await deployment.link('active');
    deployment.faults.arm('create', { kind: 'fail', error: { _tag: 'VendorUnavailable', message: 'HTTP 500' } });
    await request(deployment.callback)
      .post(`/api/v1/links/${linkId}/meetings`)
      .set('Authorization', BASIC)
      .set('X-Request-Id', 'failed-1')
      .send(BODY)
      .expect(502);
    expect(requestLines(lines, 'failed-1')[0]).to.include({ level: 40, status: 502, outcome: 'VENDOR_UNAVAILABLE' });
  });

  it('never writes the credentials a request carried', async () => {
    const linkId = await deployment.link('active');
    await request(deployment.callback).post(`/api/v1/links/${linkId}/meetings`).set('Authorization', BASIC).send(BODY).expect(201);
    const written = lines.join('\n');
    expect(written).not.to.contain(BASIC.slice('Basic '.length));
    expect(written).not.to.contain('test-client-secret');
  });
});

describe('logs: redaction of every secret', () => {
  const secretValue = (name: string, where: string): string => `SECRET<${where}.${name}>`;

  it('replaces each secret field name at the top level and inside every nested object a log call carries', () => {
    const written: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void written.push(line) });
    const fields: Record<string, unknown> = {};
    for (const name of SECRET_FIELD_NAMES) fields[name] = secretValue(name, 'top');
    for (const container of SECRET_CONTAINERS) {
      const inner: Record<string, unknown> = { harmless: `kept<${container}>` };
      for (const name of SECRET_FIELD_NAMES) inner[name] = secretValue(name, container);
      // `a.b` containers nest: build the path down to the innermost object.
      const parts = container.split('.');
      let parent = fields;
      for (const part of parts.slice(0, -1)) parent = (parent[part] ??= {}) as Record<string, unknown>;
      parent[parts.at(-1)!] = { ...((parent[parts.at(-1)!]) ?? {}), ...inner };
    }
    logger.info(fields, 'everything at once');

    expect(written).to.have.length(1);
    const line = written[0]!;
    expect(line, 'a secret value reached the log').not.to.match(/SECRET</);
    const redactions = line.split(JSON.stringify(REDACTED)).length - 1;
    expect(redactions).to.equal(SECRET_FIELD_NAMES.length * (1 + SECRET_CONTAINERS.length));
    for (const container of SECRET_CONTAINERS) expect(line).to.contain(`kept<${container}>`);
  });

  it('redacts an Error logged as `err`, and the error it was caused by', () => {
    const written: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void written.push(line) });
    const cause = Object.assign(new Error('token endpoint said no'), { refresh_token: 'RT-LEAK' });
    const error = Object.assign(new Error('exchange failed', { cause }), { accessToken: 'AT-LEAK', status: 502 });
    logger.error({ err: error }, 'unexpected error while answering');
    expect(written[0]).to.contain('exchange failed').and.contain('"status":502');
    expect(written[0]).not.to.contain('AT-LEAK');
    expect(written[0]).not.to.contain('RT-LEAK');
  });

  it('covers every secret variable the README lists (names with SECRET, KEY, TOKEN, PASSWORD, or a URI that may carry credentials)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf-8');
    const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Installing'));
    const variables = [...table.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((match) => match[1]!);
    expect(variables).to.include.members(['PORT', 'ENCRYPTION_KEY', 'ZOOM_CLIENT_SECRET', 'METRICS_TOKEN']);
    // Named like secrets, but public: a key's id, a token's audience.
    const notSecret = (name: string): boolean => /_ID$/.test(name) || name === 'JITSI_TOKEN_AUDIENCE';
    const secret = variables.filter((name) => /SECRET|KEY|TOKEN|PASSWORD|_URI$/.test(name) && !notSecret(name));
    expect(secret.length).to.be.greaterThan(8);
    const missing = secret.filter((name) => !(SECRET_FIELD_NAMES as readonly string[]).includes(name));
    expect(missing, 'add these to SECRET_FIELD_NAMES in src/infrastructure/logger.ts').to.deep.equal([]);
  });
});

describe('logs: LOG_LEVEL and output format', function () {
  this.timeout(40_000);

  it('drops lines below the level asked for', () => {
    const written: string[] = [];
    const logger = createLogger('warn', { write: (line: string) => void written.push(line) });
    logger.info({}, 'not written');
    logger.warn({}, 'written');
    logger.error({}, 'written too');
    expect(parsed(written).map((line) => line['msg'])).to.deep.equal(['written', 'written too']);
  });

  const runService = (env: Record<string, string>): Started => run('src/infrastructure/main.ts', [], env);

  /** Starts the service, makes one request with a known id, stops it; what it printed. */
  async function oneRequest(env: Record<string, string>): Promise<string> {
    const port = await freePort();
    const service = runService({ PORT: String(port), ...env });
    try {
      await waitFor(() => service.stdout().includes('Manifest:'), 'the start banner');
      const response = await fetch(`http://127.0.0.1:${port}/healthz`, { headers: { 'X-Request-Id': 'process-check-1' } });
      expect(response.status).to.equal(200);
      service.child.kill('SIGTERM');
      expect(await service.exited).to.equal(0);
      return service.stdout();
    } finally {
      service.child.kill('SIGKILL');
    }
  }

  it('the process honours LOG_LEVEL: at warn it writes no request or start line', async () => {
    const quiet = await oneRequest({ LOG_LEVEL: 'warn' });
    expect(quiet).to.contain('Manifest:');
    expect(quiet).not.to.contain('process-check-1');
    expect(quiet).not.to.contain('"msg":"listening"');
  });

  it('the process writes JSON lines by default, and readable lines with NODE_ENV=development', async () => {
    const json = await oneRequest({});
    const requestLine = json.split('\n').find((line) => line.includes('process-check-1'));
    expect(JSON.parse(requestLine!)).to.include({ msg: 'request', requestId: 'process-check-1', vendor: 'stub', status: 200 });

    const pretty = await oneRequest({ NODE_ENV: 'development' });
    // pino-pretty: a headline per entry, then one indented line per field.
    expect(pretty).to.match(/INFO.*: request\n(\s+\w+: .*\n)*\s+requestId: "process-check-1"/);
    expect(pretty.split('\n').filter((line) => line.startsWith('{"level"'))).to.deep.equal([]);
  });

  it('falls back to JSON, saying so, when pretty output is asked for but pino-pretty is not installed', async () => {
    const missing = run('test/support/log-one-line.ts', [], { LOG_PRETTY_MODULE: 'pino-pretty-not-installed' });
    expect(await missing.exited).to.equal(0);
    const lines = parsed(missing.stdout().trim().split('\n'));
    expect(lines.map((line) => line['msg'])).to.deep.equal([
      'pretty logs asked for but pino-pretty is not installed; logging JSON',
      'request',
    ]);
    expect(missing.stdout()).not.to.contain('LEAKED-IF-SEEN');

    const installed = run('test/support/log-one-line.ts', []);
    expect(await installed.exited).to.equal(0);
    expect(installed.stdout()).to.match(/INFO.*request/);
    expect(installed.stdout()).not.to.contain('LEAKED-IF-SEEN');
  });
});
