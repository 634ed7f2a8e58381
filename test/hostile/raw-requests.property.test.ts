import { expect } from 'chai';
import fc from 'fast-check';

import { BASIC } from '../support/service.js';
import {
  type Answer,
  exchange,
  expectApiAnswer,
  expectPageAnswer,
  type HostileServer,
  isPageRequest,
  propertySettings,
  send,
  startHostileServer,
} from './support.js';

/**
 * Bytes no HTTP client library would send: broken request lines, bare LFs, folded and colon-less
 * header lines, lying or doubled Content-Length, odd Transfer-Encoding, unknown methods and
 * versions. Node's parser refuses most of them before Koa runs; the answer must still be ours:
 * the contract's JSON error with the security headers, never a 5xx, and the server keeps serving.
 */

const LINK = '5e0d0f6a-7c1b-4d2e-9f3a-0b1c2d3e4f50';

const token = fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,12}$/);
const latin1 = (unit: fc.Arbitrary<string>, maxLength: number) => fc.string({ unit, maxLength });
const anyByte = fc.integer({ min: 0, max: 255 }).map((n) => String.fromCharCode(n));

const requestMethod = fc.oneof(
  { arbitrary: fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'), weight: 12 },
  { arbitrary: fc.constantFrom('CONNECT', 'PRI', 'get', 'G ET', ''), weight: 2 },
  { arbitrary: token, weight: 1 },
);

const target = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      '/healthz', `/api/v1/links/${LINK}/meetings`, `/api/v1/links/${LINK}/meetings/x`, '/oauth/callback', '/oauth/callback?code=a&state=b',
      '/healthz', '/readyz', `/api/v1/links/${LINK}/meetings`, '/manifest.json',
      '*', 'http://evil.test/healthz', '//healthz', '/%', '/%00', '/a b', '/\t', '', '/é', '/..\\..\\', 'healthz', '/?', '/#x',
    ),
    weight: 3,
  },
  { arbitrary: latin1(anyByte, 40).map((s) => `/${s}`), weight: 1 },
);

const version = fc.oneof(
  { arbitrary: fc.constant('HTTP/1.1'), weight: 12 },
  { arbitrary: fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/1.2', 'HTTP/1', 'http/1.1', 'HTTP/1.1 x', ''), weight: 2 },
);

const headerLine = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      'Host: video.test', `Authorization: ${BASIC}`, 'Content-Type: application/json', 'Accept: */*', 'Accept: text/html',
      'Content-Type: application/json; charset=utf-16', 'Content-Length: 0', 'Content-Length: 5', 'Transfer-Encoding: chunked',
      'Connection: keep-alive', 'Expect: 100-continue', 'X-Request-Id: abc', 'User-Agent: x',
    ),
    weight: 12,
  },
  {
    arbitrary: fc.constantFrom(
      'Host:', 'Host: a b', 'Content-Length: 99999999999999999999',
      'Content-Length: -1', 'Content-Length: 1e3', 'Content-Length: 0x10', 'Content-Length: 5, 5', 'Content-Length: 5, 6',
      'Transfer-Encoding: chunked', 'Transfer-Encoding: chunked, identity', 'Transfer-Encoding: gzip', 'Transfer-Encoding: identity',
      'Transfer-Encoding:\tchunked', 'Connection: close', 'Connection: keep-alive', 'Connection: upgrade', 'Upgrade: websocket',
      'Upgrade: h2c', 'Expect: 100-continue', 'Expect: 999-nope', ' folded continuation', '\tfolded', 'NoColonHere', ': empty name',
      'Bad Name: x', 'X-Nul: a\u0000b', 'X-Ctl: \u0001\u007f', 'X-Latin: é\u00ff', `X-Long: ${'a'.repeat(3000)}`,
    ),
    weight: 2,
  },
  { arbitrary: fc.tuple(token, latin1(anyByte, 30)).map(([n, v]) => `${n}: ${v}`), weight: 1 },
  { arbitrary: latin1(anyByte, 30), weight: 1 },
);

const bodyBytes = fc.oneof(
  fc.constant(''),
  fc.constantFrom('{"topic":"t","start_time":"2026-12-01 10:00","duration":30}', '5\r\nhello\r\n0\r\n\r\n', 'zz\r\nx\r\n', '0\r\n\r\n', '{'),
  latin1(anyByte, 60),
);

/** A request as bytes, one way of ending lines chosen for all of it (CRLF mostly). */
const rawRequest = fc
  .record({
    method: requestMethod,
    target,
    version,
    host: fc.oneof({ arbitrary: fc.constant(true), weight: 9 }, { arbitrary: fc.constant(false), weight: 1 }),
    headers: fc.array(headerLine, { maxLength: 5 }),
    closing: fc.boolean(),
    eol: fc.oneof({ arbitrary: fc.constant('\r\n'), weight: 12 }, { arbitrary: fc.constantFrom('\n', '\r'), weight: 1 }),
    body: bodyBytes,
  })
  .map(({ method, target: t, version: v, host, headers, closing, eol, body }) => {
    const lines = [`${method} ${t} ${v}`.trimEnd(), ...(host ? ['Host: video.test'] : []), ...headers, ...(closing ? ['Connection: close'] : [])];
    return { method, path: t, text: `${lines.join(eol)}${eol}${eol}${body}` };
  });

/** What any answer on the wire must be, when the server writes one: that of the family asked for. */
function judgeRaw(method: string, path: string, answer: Answer | undefined, bytes: string): void {
  if (answer === undefined) return;
  const what = JSON.stringify(bytes.slice(0, 160));
  if (isPageRequest(method, path)) expectPageAnswer(answer, method, what);
  else expectApiAnswer(answer, method, what);
}

describe('malformed requests as raw bytes on a real socket (fast-check)', function () {
  this.timeout(120_000);
  let server: HostileServer;
  let answered = 0;
  let silent = 0;

  before(async () => {
    server = await startHostileServer({ HEADER_LIMIT_BYTES: '4096' });
  });
  after(async () => {
    await server?.stop();
  });

  it('answers every one in the contract shape with the security headers (or closes), never 5xx, and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(rawRequest, async ({ method, path, text }) => {
        const answer = await exchange(server.port, Buffer.from(text, 'latin1'));
        if (answer === undefined) silent += 1;
        else answered += 1;
        judgeRaw(method, path, answer, text);
      }),
      propertySettings(200),
    );
    const health = await send(server.port, { method: 'GET', path: '/healthz', headers: [['Host', 'video.test']] });
    expect(health.status).to.equal(200);
    // Most get an answer: a property that only ever saw closed sockets would prove nothing.
    expect(answered, `answered ${answered}, closed silently ${silent}`).to.be.greaterThan(silent * 4);
  });
});
