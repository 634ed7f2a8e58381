import fc from 'fast-check';

import { BASIC, CLIENT_ID, CLIENT_SECRET } from '../support/service.js';
import { INJECTION, type HostileRequest } from './support.js';

/**
 * What a hostile or broken client sends: every part of a request, from plausible to absurd. The
 * plausible share matters as much as the absurd one: a request must get past the credentials and
 * the body checks now and then, or the deeper code is never reached.
 */

/** Methods node's parser accepts (others are refused before Koa, and tested with raw bytes). */
export const method = fc.constantFrom(
  'GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE',
  'PROPFIND', 'PURGE', 'SEARCH', 'MKCOL', 'LOCK', 'COPY', 'REPORT',
);

/** Path characters node's client sends as they are (it refuses only controls, space and DEL). */
const pathUnit = fc.constantFrom(
  ...'abcXYZ019-._~!$&\'()*+,;=:@/%?#[]{}<>"|\\^`'.split(''),
  'é', 'ÿ',
);

/** One path segment as a client might send it: encoded text, traversal, broken escapes, huge. */
export function segment(known: readonly string[] = []): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.uuid(), weight: 2 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map(encodeURIComponent), weight: 3 },
    { arbitrary: fc.string({ unit: pathUnit, maxLength: 30 }), weight: 2 },
    {
      arbitrary: fc.constantFrom(
        '', '.', '..', '%2e%2e', '..%2f..%2fetc%2fpasswd', '%', '%zz', '%E0%A4%A', '%00', '%ff', '%C0%AF',
        '%uD800', '%ED%A0%80', '%EF%BF%BF', '__proto__', 'constructor', 'prototype', 'stub-', 'stub-..',
        encodeURIComponent(INJECTION), INJECTION.replace(/"/g, '%22'),
      ),
      weight: 2,
    },
    { arbitrary: fc.integer({ min: 100, max: 6000 }).map((n) => 'a'.repeat(n)), weight: 1 },
    ...(known.length > 0 ? [{ arbitrary: fc.constantFrom(...known), weight: 4 }] : []),
  );
}

const queryValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }).map(encodeURIComponent),
  fc.string({ unit: pathUnit, maxLength: 40 }).map((s) => s.replace(/[#&]/g, '')),
  fc.constantFrom(INJECTION, encodeURIComponent(INJECTION), 'user_denied', 'access_denied', '', '%', 'a'.repeat(3000)),
);

/** A query string: OAuth-ish names, repeated names, bracket names that some parsers nest. */
export const query = fc
  .array(
    fc.tuple(
      fc.constantFrom('code', 'state', 'error', 'error_description', 'x', '__proto__', 'constructor[prototype][polluted]', 'state[]', ''),
      queryValue,
    ),
    { maxLength: 5 },
  )
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`));

/** A header value node's client agrees to send (visible ASCII, tabs, Latin-1). */
export const headerValue = fc.oneof(
  fc.string({
    unit: fc.constantFrom(...' \t!"#$%&\'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~'.split(''), 'é', 'ÿ'),
    maxLength: 80,
  }),
  fc.constantFrom(INJECTION, '', ' ', 'a'.repeat(2000)),
);

const basicOf = (id: string, secret: string): string => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

export const authorization = fc.oneof(
  { arbitrary: fc.constant(BASIC), weight: 8 },
  {
    arbitrary: fc.constantFrom(
      basicOf(CLIENT_ID, `${CLIENT_SECRET}x`), basicOf(CLIENT_ID, ''), basicOf('', ''), basicOf(CLIENT_ID, CLIENT_SECRET.slice(0, -1)),
      `basic ${BASIC.slice(6)}`, `Basic  ${BASIC.slice(6)}`, `${BASIC} `, 'Basic', 'Basic ', 'Basic !!!!', 'Basic ===',
      `Bearer ${BASIC.slice(6)}`, 'Digest username="x"',
    ),
    weight: 3,
  },
  { arbitrary: fc.tuple(fc.string(), fc.string()).map(([id, secret]) => basicOf(id, secret)), weight: 2 },
  { arbitrary: headerValue, weight: 1 },
);

export const contentType = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      'application/json', 'application/json; charset=utf-8', 'application/json; charset=UTF-8', 'application/json;charset="utf-8"',
      'APPLICATION/JSON', 'application/json; charset=utf-16', 'application/json; charset=utf-16le', 'application/json; charset=latin1',
      'application/json; charset=ascii', 'application/json; charset=', 'application/json; charset', 'application/vnd.api+json',
      'application/merge-patch+json', 'application/jsonx', 'application/json, text/plain', 'text/json', 'text/plain', 'text/html',
      'multipart/form-data; boundary=----x', 'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8',
      'application/octet-stream', '*/*', '', ';', 'application/', '/json',
    ),
    weight: 6,
  },
  { arbitrary: headerValue, weight: 1 },
);

const headerName = fc.oneof(
  fc.constantFrom(
    'accept', 'accept-charset', 'accept-encoding', 'x-request-id', 'content-encoding', 'cookie', 'user-agent', 'origin', 'referer',
    'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded', 'expect', 'upgrade', 'range', 'if-none-match', 'te',
    'x-zm-signature', 'x-zm-request-timestamp', 'authorization', 'content-type', 'x-http-method-override', 'prefer', 'via',
  ),
  fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,30}$/),
);

/** Extra headers, repeated names included (two Content-Types, two Authorizations, ...). */
export const extraHeaders = fc.array(fc.tuple(headerName, headerValue), { maxLength: 6 });

const startTime = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 16).replace('T', ' '));

/** A topic a person could type, sometimes with markup in it. */
export const topic = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 120 }),
  fc.string({ minLength: 1, maxLength: 40 }).map((s) => `${s}${INJECTION}`),
  fc.constantFrom(INJECTION, '<script>alert(1)</script>', '&amp; "quoted" \'single\'', '\u202Eevil\u202C', '\u0000nul'),
).filter((t) => t.trim() !== '' && t.length <= 500);

export const validMeeting = fc.record({ topic, start_time: startTime, duration: fc.integer({ min: 1, max: 1440 }) });

const anyField = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map((n) => Number(n)),
  fc.constantFrom(null, true, false, '', ' ', 0, -0, -1, 1441, 1.5, Number.MAX_SAFE_INTEGER + 2, '30', '2026-02-30 10:00', '2026-12-01T10:00', INJECTION),
  fc.jsonValue({ maxDepth: 3 }),
  startTime,
  topic,
);

/** Almost a meeting: each field may be missing, of another type, out of range, or fine. */
const meetingish = fc
  .tuple(
    fc.record({ topic: anyField, start_time: anyField, duration: anyField }, { requiredKeys: [] }),
    fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  )
  .map(([fields, extra]) => ({ ...extra, ...fields }));

const uninstallish = fc.record(
  {
    client_id: fc.oneof(fc.constant(CLIENT_ID), anyField),
    company_id: fc.oneof(fc.integer({ min: 1, max: 2000 }), anyField),
    user_id: fc.oneof(fc.integer({ min: 1, max: 2000 }), anyField),
    timestamp: fc.oneof(fc.constant('2026-11-24T10:00:00Z'), fc.integer(), anyField),
  },
  { requiredKeys: [] },
);

/** JSON text a serialiser would never write, but a hostile client can. */
const rawJsonText = fc.constantFrom(
  '{"__proto__":{"polluted":"yes"},"topic":"t","start_time":"2026-12-01 10:00","duration":30}',
  '{"constructor":{"prototype":{"polluted":"yes"}},"topic":"t","start_time":"2026-12-01 10:00","duration":30}',
  '{"topic":{"__proto__":{"polluted":"yes"}},"start_time":"2026-12-01 10:00","duration":30}',
  '{"topic":"t","start_time":"2026-12-01 10:00","duration":1e400}',
  '{"topic":"t","start_time":"2026-12-01 10:00","duration":-1e400}',
  '{"topic":"t","start_time":"2026-12-01 10:00","duration":123456789012345678901234567890}',
  '{"topic":"t","start_time":"2026-12-01 10:00","duration":30.0000000000000001}',
  '{"topic":"\\ud800","start_time":"2026-12-01 10:00","duration":30}',
  '{"topic":"\\u0000","start_time":"2026-12-01 10:00","duration":30}',
  '{"topic":"a","topic":"b","start_time":"2026-12-01 10:00","duration":30}',
  '\uFEFF{"topic":"bom","start_time":"2026-12-01 10:00","duration":30}',
  '{"client_id":"test-client-id","company_id":"0001","user_id":"99999999999999999999","timestamp":"x"}',
  '{"client_id":"test-client-id","company_id":1e400,"user_id":-1,"timestamp":-1}',
  '{', '}', '[', '[]', '{}', 'null', 'true', '0', '"text"', '{"a":}', '{"a":1,}', "{'a':1}", 'NaN', 'undefined', ' ', '\n',
  '{"event":"endpoint.url_validation","payload":{"plainToken":"x"}}',
);

const nested = fc.integer({ min: 1, max: 400 }).chain((depth) =>
  fc.constantFrom(
    '['.repeat(depth) + ']'.repeat(depth),
    '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
    `{"topic":${'['.repeat(depth)}"x"${']'.repeat(depth)},"start_time":"2026-12-01 10:00","duration":30}`,
    '['.repeat(depth),
  ),
);

/** A body: JSON of any shape, near-misses of the real ones, raw text and bytes, deep, and too large. */
export function body(limitBytes: number): fc.Arbitrary<Buffer | undefined> {
  const text = fc.oneof(
    { arbitrary: validMeeting.map((v) => JSON.stringify(v)), weight: 4 },
    { arbitrary: meetingish.map((v) => JSON.stringify(v)), weight: 4 },
    { arbitrary: uninstallish.map((v) => JSON.stringify(v)), weight: 2 },
    { arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)), weight: 2 },
    { arbitrary: rawJsonText, weight: 3 },
    { arbitrary: nested, weight: 2 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 1 },
    {
      arbitrary: fc.integer({ min: limitBytes - 50, max: limitBytes * 3 }).map((n) => JSON.stringify({ topic: 'x'.repeat(n) })),
      weight: 1,
    },
  );
  return fc.oneof(
    { arbitrary: text.map((t) => Buffer.from(t, 'utf8')), weight: 8 },
    { arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)), weight: 1 },
    { arbitrary: fc.constant(undefined), weight: 2 },
  );
}

/** A route as the app mounts it: its method, and paths that reach it (or nearly). */
export interface RouteShape {
  readonly method: string;
  readonly path: fc.Arbitrary<string>;
  /** How often, relative to the others (default 1). */
  readonly weight?: number;
}

/**
 * A whole request. Half are plausible (the route's own method, this app's credentials, JSON, a body
 * near the real one), so the checks behind the first ones are reached; the other half are wild
 * (any method, header, content type and body).
 */
export function hostileRequest(routes: readonly RouteShape[], limitBytes: number): fc.Arbitrary<HostileRequest> {
  const route = fc.oneof(...routes.map((r) => ({ arbitrary: fc.constant(r), weight: r.weight ?? 1 })));
  const plausible = route.chain((r) =>
    fc.record({
      method: fc.oneof({ arbitrary: fc.constant(r.method), weight: 9 }, { arbitrary: method, weight: 1 }),
      path: r.path,
      query: fc.oneof({ arbitrary: fc.constant(''), weight: 3 }, { arbitrary: query, weight: 2 }),
      auth: fc.oneof({ arbitrary: fc.constant(BASIC), weight: 9 }, { arbitrary: authorization, weight: 1 }),
      type: fc.oneof({ arbitrary: fc.constant('application/json'), weight: 9 }, { arbitrary: contentType, weight: 1 }),
      extra: fc.array(fc.tuple(headerName, headerValue), { maxLength: 2 }).map((h) => h.filter(([n]) => n.toLowerCase() !== 'expect')),
      body: fc.oneof(
        { arbitrary: validMeeting.map((v) => Buffer.from(JSON.stringify(v))), weight: 3 },
        { arbitrary: body(limitBytes), weight: 4 },
      ),
      declareLength: fc.boolean(),
      host: fc.constant('video.test'),
    }),
  );
  const wild = fc.record({
    method,
    path: route.chain((r) => r.path),
    query: fc.oneof({ arbitrary: fc.constant(''), weight: 3 }, { arbitrary: query, weight: 1 }),
    auth: fc.option(authorization, { freq: 6 }).map((a) => a ?? undefined),
    type: fc.option(contentType, { freq: 5 }).map((t) => t ?? undefined),
    extra: extraHeaders,
    body: body(limitBytes),
    declareLength: fc.boolean(),
    host: fc.oneof({ arbitrary: fc.constant('video.test'), weight: 8 }, { arbitrary: headerValue, weight: 1 }),
  });
  return fc.oneof(plausible, wild).map(({ method: m, path, query: q, auth, type, extra, body: b, declareLength, host }) => {
    const headers: Array<readonly [string, string]> = [['Host', host]];
    if (auth !== undefined) headers.push(['Authorization', auth]);
    if (type !== undefined) headers.push(['Content-Type', type]);
    headers.push(...extra.filter(([name]) => !/^(content-length|transfer-encoding|connection)$/i.test(name)));
    // Node's client frames a body as chunked only for methods that usually carry one; for the
    // others it would write the bytes unframed, which a server can only read as a second request.
    const framed = declareLength || /^(GET|HEAD|DELETE|OPTIONS|TRACE)$/.test(m);
    if (b !== undefined && framed) headers.push(['Content-Length', String(b.length)]);
    return { method: m, path: `${path}${q}`, headers, ...(b === undefined ? {} : { body: b }) };
  });
}
