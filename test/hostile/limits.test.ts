import { connect } from 'node:net';

import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';

import { MAX_JSON_DEPTH, nestingExceeds } from '../../src/adapters/http/json-body.js';
import { StubFaults } from '../../src/adapters/vendors/stub/stub-faults.js';
import { vendorPlugins } from '../../src/adapters/vendors/registry.js';
import { loadConfig } from '../../src/infrastructure/config.js';
import { BASIC, CLIENT_ID } from '../support/service.js';
import {
  type Answer,
  exchange,
  expectErrorShape,
  expectNoPollution,
  expectSecurityHeaders,
  type HostileRequest,
  type HostileServer,
  send,
  startHostileServer,
} from './support.js';
import { seedActiveLink } from './seed.js';

/**
 * The limits (header block, body, JSON nesting) and HTTP's own rules, over real sockets: node's
 * parser enforces the header limit and refuses malformed requests before Koa runs, so only a
 * listening server shows what a client really gets.
 */

const LINK = '5e0d0f6a-7c1b-4d2e-9f3a-0b1c2d3e4f50';
const MEETING = { topic: 'Limits', start_time: '2026-12-01 10:00', duration: 30 };
const HOST: [string, string] = ['Host', 'video.test'];

const json = (value: unknown): Buffer => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

function post(path: string, body: Buffer, extra: Array<[string, string]> = []): HostileRequest {
  return {
    method: 'POST',
    path,
    headers: [HOST, ['Authorization', BASIC], ['Content-Type', 'application/json'], ['Content-Length', String(body.length)], ...extra],
    body,
  };
}

function expectProblem(answer: Answer | undefined, status: number, code: string, message?: RegExp): void {
  expect(answer, 'an answer').not.to.equal(undefined);
  const a = answer!;
  expect(a.status, a.text()).to.equal(status);
  expectSecurityHeaders(a, `${status} ${code}`);
  expectErrorShape(a, `${status} ${code}`);
  const error = (JSON.parse(a.text()) as { error: { code: string; message: string } }).error;
  expect(error.code).to.equal(code);
  if (message !== undefined) expect(error.message).to.match(message);
}

/** `{"a":{"a":...1...}}` nested `depth` levels deep (1 = `{"a":1}`). */
const nestedObject = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

describe('limits and HTTP rules over a real socket', function () {
  this.timeout(30_000);
  let standard: HostileServer;
  let tight: HostileServer;
  let linkId: string;

  before(async () => {
    standard = await startHostileServer({});
    tight = await startHostileServer({ HEADER_LIMIT_BYTES: '4096', BODY_LIMIT_BYTES: '1024' });
    linkId = await seedActiveLink(standard.service.container);
  });
  after(async () => {
    await standard?.stop();
    await tight?.stop();
  });

  describe('header block: HEADER_LIMIT_BYTES, answered 431 in the contract shape', () => {
    it('refuses a header over the configured limit that node’s own default (16 KiB) would have let through', async () => {
      const big = await send(tight.port, { method: 'GET', path: '/healthz', headers: [HOST, ['X-Big', 'a'.repeat(6000)]] });
      expectProblem(big, 431, 'HEADERS_TOO_LARGE', /limit of 4096 bytes/);
      expect(big.headers['connection']).to.equal('close');
      const fits = await send(tight.port, { method: 'GET', path: '/healthz', headers: [HOST, ['X-Big', 'a'.repeat(3000)]] });
      expect(fits.status).to.equal(200);
    });

    it('counts the request line and every header: a long URL or many small headers are refused too', async () => {
      expectProblem(await send(tight.port, { method: 'GET', path: `/healthz?x=${'a'.repeat(5000)}`, headers: [HOST] }), 431, 'HEADERS_TOO_LARGE');
      const many: Array<[string, string]> = Array.from({ length: 200 }, (_, i) => [`X-H${i}`, 'v'.repeat(30)]);
      expectProblem(await send(tight.port, { method: 'GET', path: '/healthz', headers: [HOST, ...many] }), 431, 'HEADERS_TOO_LARGE');
    });

    it('defaults to 16 KiB, set on the server deliberately', async () => {
      expectProblem(await send(standard.port, { method: 'GET', path: '/healthz', headers: [HOST, ['X-Big', 'a'.repeat(17_000)]] }), 431, 'HEADERS_TOO_LARGE', /16384 bytes/);
      expect((await send(standard.port, { method: 'GET', path: '/healthz', headers: [HOST, ['X-Big', 'a'.repeat(12_000)]] })).status).to.equal(200);
    });

    it('answers a HEAD over the limit without a body, as HTTP wants (a client would misread one)', async () => {
      const request = `HEAD /healthz HTTP/1.1\r\nHost: video.test\r\nX-Big: ${'a'.repeat(6000)}\r\n\r\n`;
      // Every byte the server writes before it closes, read without any HTTP parsing.
      const written = await new Promise<string>((resolve) => {
        const socket = connect(tight.port, '127.0.0.1', () => socket.write(request));
        let out = '';
        socket.on('data', (chunk: Buffer) => (out += chunk.toString('latin1')));
        socket.on('close', () => resolve(out));
        socket.on('error', () => undefined);
      });
      expect(written).to.match(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
      expect(written).to.match(/\r\nContent-Length: \d+\r\n/);
      expect(written.endsWith('\r\n\r\n'), 'nothing after the headers').to.equal(true);
      expect(written).to.contain('X-Frame-Options: DENY');
    });

    it('takes HEADER_LIMIT_BYTES from 2048 to 65536 and refuses anything else, naming it', () => {
      const load = (value: string) => loadConfig({ HEADER_LIMIT_BYTES: value }, vendorPlugins);
      const loaded = load('8192');
      expect(E.isRight(loaded) && loaded.right.headerLimitBytes).to.equal(8192);
      for (const bad of ['1024', '70000', '16k', '-1']) {
        const refused = load(bad);
        expect(E.isLeft(refused) && refused.left.join()).to.match(/^HEADER_LIMIT_BYTES must be a whole number from 2048 to 65536/);
      }
    });
  });

  describe('body: BODY_LIMIT_BYTES, answered 413', () => {
    it('refuses a declared length over the limit on every JSON route, before reading it', async () => {
      const body = json({ ...MEETING, topic: 'x'.repeat(2000) });
      expectProblem(await send(tight.port, post(`/api/v1/links/${LINK}/meetings`, body)), 413, 'PAYLOAD_TOO_LARGE', /1024 bytes/);
      expectProblem(await send(tight.port, { ...post(`/api/v1/links/${LINK}/meetings/1KPMIAu9WQ1AXXj2kLwwRg`, body), method: 'PATCH' }), 413, 'PAYLOAD_TOO_LARGE');
      expectProblem(await send(tight.port, { ...post('/oauth/callback', body), method: 'DELETE' }), 413, 'PAYLOAD_TOO_LARGE');
    });

    it('refuses a chunked body (no declared length) once it passes the limit', async () => {
      const body = json({ ...MEETING, topic: 'x'.repeat(2000) });
      const chunked: HostileRequest = {
        method: 'POST',
        path: `/api/v1/links/${LINK}/meetings`,
        headers: [HOST, ['Authorization', BASIC], ['Content-Type', 'application/json']],
        body,
      };
      expectProblem(await send(tight.port, chunked), 413, 'PAYLOAD_TOO_LARGE');
    });

    it('lets a body of exactly the limit through to decoding, which then judges its fields', async () => {
      const base = JSON.stringify({ ...MEETING, topic: '' });
      const body = json({ ...MEETING, topic: 'x'.repeat(1024 - base.length) });
      expect(body.length).to.equal(1024);
      expectProblem(await send(tight.port, post(`/api/v1/links/${LINK}/meetings`, body)), 400, 'INVALID_BODY', /^topic: .*at most 500/);
    });

    it('answers 400 in the contract shape when the body ends before its Content-Length', async () => {
      const head = `POST /api/v1/links/${LINK}/meetings HTTP/1.1\r\nHost: video.test\r\nAuthorization: ${BASIC}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"topic":`;
      // The client closes its side after these bytes: the parser sees the message cut short.
      expectProblem(await exchange(standard.port, head), 400, 'MALFORMED_REQUEST', /HPE_INVALID_EOF_STATE/);
    });
  });

  describe(`JSON nesting: at most ${MAX_JSON_DEPTH} levels, refused before JSON.parse`, () => {
    it(`accepts ${MAX_JSON_DEPTH} levels and refuses ${MAX_JSON_DEPTH + 1} with 400 INVALID_BODY naming the limit`, async () => {
      // The meeting object is level 1; an unknown field (ignored by the decoder) carries the rest.
      const at = (depth: number) => json(`{"topic":"Deep","start_time":"2026-12-01 10:00","duration":30,"extra":${nestedObject(depth - 1)}}`);
      const within = await send(standard.port, post(`/api/v1/links/${linkId}/meetings`, at(MAX_JSON_DEPTH)));
      expect(within.status, within.text()).to.equal(201);
      const over = await send(standard.port, post(`/api/v1/links/${linkId}/meetings`, at(MAX_JSON_DEPTH + 1)));
      expectProblem(over, 400, 'INVALID_BODY', new RegExp(`^body: nested deeper than ${MAX_JSON_DEPTH} levels`));
    });

    it('refuses a body that is nothing but brackets, up to the size limit, on the reverse API and uninstall', async () => {
      const deep = json('['.repeat(16_000) + ']'.repeat(368));
      expect(deep.length).to.be.at.most(16_384);
      expectProblem(await send(standard.port, post(`/api/v1/links/${linkId}/meetings`, deep)), 400, 'INVALID_BODY', /nested deeper/);
      expectProblem(await send(standard.port, { ...post('/oauth/callback', deep), method: 'DELETE' }), 400, 'INVALID_BODY', /nested deeper/);
    });

    it('counts brackets outside strings only', () => {
      expect(nestingExceeds(nestedObject(3), 3)).to.equal(false);
      expect(nestingExceeds(nestedObject(4), 3)).to.equal(true);
      expect(nestingExceeds(`{"a":"${'['.repeat(100)}"}`, 3)).to.equal(false);
      expect(nestingExceeds(`{"a":"\\"${'{'.repeat(100)}"}`, 3)).to.equal(false);
      expect(nestingExceeds(`["\\\\",${'['.repeat(4)}]`, 3)).to.equal(true);
      expect(nestingExceeds('[[[]],[[]],[[]]]', 3)).to.equal(false);
    });
  });

  describe('content types', () => {
    it('refuses a charset other than UTF-8, naming it, and takes UTF-8 however it is spelled', async () => {
      const body = json(MEETING);
      const typed = (type: string) => ({ ...post(`/api/v1/links/${linkId}/meetings`, body), headers: [HOST, ['Authorization', BASIC], ['Content-Type', type]] as Array<[string, string]> });
      expectProblem(await send(standard.port, typed('application/json; charset=utf-16')), 400, 'INVALID_BODY', /charset "utf-16"/);
      expectProblem(await send(standard.port, typed('application/json; charset=ISO-8859-1')), 400, 'INVALID_BODY', /charset "ISO-8859-1"/);
      expectProblem(await send(standard.port, typed('multipart/form-data; boundary=x')), 400, 'INVALID_BODY', /Content-Type application\/json/);
      for (const type of ['application/json; charset="UTF-8"', 'application/json;charset=utf8', 'APPLICATION/JSON', 'application/vnd.pipedrive+json']) {
        const answer = await send(standard.port, typed(type));
        expect(answer.status, `${type}: ${answer.text()}`).to.equal(201);
      }
    });
  });

  describe('HTTP rules node would otherwise answer bare', () => {
    it('a method the router does not know is 405 with Allow on a path that exists, 404 elsewhere', async () => {
      const known = await send(standard.port, { method: 'PROPFIND', path: '/healthz', headers: [HOST] });
      expectProblem(known, 405, 'METHOD_NOT_ALLOWED', /PROPFIND is not allowed on \/healthz/);
      expect(known.headers['allow']).to.equal('HEAD, GET');
      const wrong = await send(standard.port, { method: 'GET', path: `/api/v1/links/${LINK}/meetings`, headers: [HOST] });
      expect(wrong.headers['allow']).to.equal('POST');
      expectProblem(await send(standard.port, { method: 'PROPFIND', path: '/nowhere', headers: [HOST] }), 404, 'NOT_FOUND');
    });

    it('a method node’s parser does not know, CONNECT, a request without Host, an unknown Expect: all in the contract shape', async () => {
      expectProblem(await exchange(standard.port, 'BREW /healthz HTTP/1.1\r\nHost: video.test\r\n\r\n'), 400, 'MALFORMED_REQUEST', /HPE_INVALID_METHOD/);
      expectProblem(await exchange(standard.port, 'CONNECT video.test:443 HTTP/1.1\r\nHost: video.test\r\n\r\n'), 405, 'METHOD_NOT_ALLOWED', /CONNECT/);
      expectProblem(await exchange(standard.port, 'GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n'), 400, 'MALFORMED_REQUEST', /^Host: is required/);
      expectProblem(await send(standard.port, { method: 'GET', path: '/healthz', headers: [HOST, ['Expect', 'teapot']] }), 417, 'EXPECTATION_FAILED', /100-continue/);
      // HTTP/1.0 has no Host requirement.
      expect((await exchange(standard.port, 'GET /healthz HTTP/1.0\r\n\r\n'))?.status).to.equal(200);
    });

    it('a malformed request line or header is 400 in the contract shape, and the server keeps serving', async () => {
      for (const bytes of [
        'GET /a b HTTP/1.1\r\nHost: x\r\n\r\n',
        'GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n',
        'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n',
        'POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd',
        'POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\nabcd',
        'POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      ]) {
        expectProblem(await exchange(standard.port, bytes), 400, 'MALFORMED_REQUEST', /^request: not valid HTTP\/1\.1 \(HPE_/);
      }
      expect((await send(standard.port, { method: 'GET', path: '/healthz', headers: [HOST] })).status).to.equal(200);
    });
  });

  describe('security headers on every kind of answer', () => {
    it('2xx, 3xx, 4xx, 5xx, pages, and what the parser refused all carry them', async () => {
      const faults = standard.service.container.get(StubFaults);
      const created = await send(standard.port, post(`/api/v1/links/${linkId}/meetings`, json(MEETING)));
      const meetingId = (JSON.parse(created.text()) as { data: { meeting_id: string; join_url: string } }).data.meeting_id;
      const joinPath = new URL((JSON.parse(created.text()) as { data: { join_url: string } }).data.join_url).pathname;
      const answers: Array<[number, Answer | undefined]> = [
        [201, created],
        [200, await send(standard.port, { method: 'GET', path: '/healthz', headers: [HOST] })],
        [200, await send(standard.port, { method: 'GET', path: '/readyz', headers: [HOST] })],
        [200, await send(standard.port, { method: 'GET', path: '/manifest.json', headers: [HOST] })],
        [200, await send(standard.port, { method: 'OPTIONS', path: '/healthz', headers: [HOST] })],
        [200, await send(standard.port, { method: 'GET', path: joinPath, headers: [HOST] })],
        [204, await send(standard.port, { ...post(`/api/v1/links/${linkId}/meetings/${meetingId}`, json(MEETING)), method: 'PATCH' })],
        [302, await send(standard.port, { method: 'GET', path: '/oauth/install', headers: [HOST] })],
        [400, await send(standard.port, post(`/api/v1/links/${linkId}/meetings`, json('{')))],
        [400, await send(standard.port, { method: 'GET', path: '/oauth/callback?state=forged', headers: [HOST] })],
        [401, await send(standard.port, { method: 'POST', path: `/api/v1/links/${LINK}/meetings`, headers: [HOST] })],
        [404, await send(standard.port, { method: 'GET', path: '/nowhere', headers: [HOST] })],
        [404, await send(standard.port, { method: 'GET', path: '/stub/meetings/stub-none', headers: [HOST] })],
        [405, await send(standard.port, { method: 'PUT', path: '/healthz', headers: [HOST] })],
        [413, await send(tight.port, post(`/api/v1/links/${LINK}/meetings`, json({ topic: 'x'.repeat(2000) })))],
        [417, await send(standard.port, { method: 'GET', path: '/healthz', headers: [HOST, ['Expect', 'x']] })],
        [431, await send(tight.port, { method: 'GET', path: '/healthz', headers: [HOST, ['X-Big', 'a'.repeat(6000)]] })],
        [400, await exchange(standard.port, 'GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n')],
      ];
      faults.arm('create', { kind: 'fail', error: null as never });
      // Another activity: the same body again would be answered with the first meeting (a duplicate).
      answers.push([500, await send(standard.port, post(`/api/v1/links/${linkId}/meetings`, json({ ...MEETING, topic: 'Defect' })))]);
      answers.push([204, await send(standard.port, { method: 'DELETE', path: `/api/v1/links/${linkId}/meetings/${meetingId}`, headers: [HOST, ['Authorization', BASIC]] })]);
      answers.push([410, await send(standard.port, { method: 'GET', path: joinPath, headers: [HOST] })]);
      for (const [status, answer] of answers) {
        expect(answer?.status, answer?.text()).to.equal(status);
        expectSecurityHeaders(answer!, String(status));
      }
    });

    it('503 from /readyz while the store does not answer carries them too', async () => {
      const down = await startHostileServer({ MONGODB_URI: 'mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=200', MONGODB_DB: 'unreachable' });
      try {
        const answer = await send(down.port, { method: 'GET', path: '/readyz', headers: [HOST] });
        expect(answer.status).to.equal(503);
        expectSecurityHeaders(answer, '503 readyz');
      } finally {
        await down.stop();
      }
    });
  });

  describe('prototype pollution', () => {
    it('bodies with __proto__ and constructor.prototype are decoded as data, and pollute nothing', async () => {
      const polluting = `{"__proto__":{"polluted":"yes","topic":"from proto"},"constructor":{"prototype":{"polluted":"yes"}},"topic":"Own topic","start_time":"2026-12-01 10:00","duration":30}`;
      const created = await send(standard.port, post(`/api/v1/links/${linkId}/meetings`, json(polluting)));
      expect(created.status, created.text()).to.equal(201);
      expect((JSON.parse(created.text()) as { data: { invitation: string } }).data.invitation).to.contain('Own topic');
      const onlyProto = `{"__proto__":{"topic":"t","start_time":"2026-12-01 10:00","duration":30}}`;
      expectProblem(await send(standard.port, post(`/api/v1/links/${linkId}/meetings`, json(onlyProto))), 400, 'INVALID_BODY', /topic/);
      const uninstall = `{"__proto__":{"client_id":"${CLIENT_ID}","company_id":1,"user_id":1,"timestamp":1}}`;
      expectProblem(await send(standard.port, { ...post('/oauth/callback', json(uninstall)), method: 'DELETE' }), 400, 'INVALID_BODY', /client_id/);
      expectNoPollution();
    });
  });
});
