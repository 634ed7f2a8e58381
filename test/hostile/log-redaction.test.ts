import { randomBytes } from 'node:crypto';

import { expect } from 'chai';

import * as E from 'fp-ts/lib/Either.js';

import { vendorPlugins } from '../../src/adapters/vendors/registry.js';
import { loadConfig } from '../../src/infrastructure/config.js';
import { createLogger } from '../../src/infrastructure/logger.js';
import { findLeaks } from './leaks.js';

/**
 * The logger's last line of defence: a credential that reaches a log call by accident, in the
 * shapes our code and its collaborators use (headers, token pairs, OAuth answers, configuration),
 * at the top level or one level down, is written as `[redacted]`. What a message string carries is
 * not the logger's to catch: the full-flow scan (secrets-in-logs.test.ts) covers that.
 */

const secret = (): string => randomBytes(24).toString('base64url');

function logged(fields: Record<string, unknown>): string {
  let out = '';
  createLogger('trace', { write: (line: string) => void (out += line) }).info(fields, 'line');
  return out;
}

describe('log redaction: credentials in the shapes we hold them in', () => {
  const cases: Array<[string, (s: string) => Record<string, unknown>]> = [
    ['an Authorization header, alone', (s) => ({ authorization: `Basic ${s}` })],
    ['request headers', (s) => ({ headers: { authorization: `Bearer ${s}`, cookie: `session=${s}` } })],
    ['a Koa-style request', (s) => ({ req: { headers: { authorization: `Basic ${s}` } } })],
    ['an outbound request’s headers, one level down', (s) => ({ call: { headers: { authorization: `Bearer ${s}` } } })],
    ['a token pair (our names)', (s) => ({ grant: { accessToken: s, refreshToken: `${s}r` } })],
    ['a token pair at the top level', (s) => ({ accessToken: s, refreshToken: `${s}r` })],
    ['an OAuth answer (their names)', (s) => ({ answer: { access_token: s, refresh_token: `${s}r` } })],
    ['an OAuth answer at the top level', (s) => ({ access_token: s, refresh_token: `${s}r` })],
    ['an authorization code', (s) => ({ query: { code: s } })],
    ['a token request form', (s) => ({ form: { client_secret: s, code: `${s}c` } })],
    ['a client secret', (s) => ({ clientSecret: s, pipedrive: { clientSecret: `${s}p` } })],
    ['vendor configuration', (s) => ({ vendorConfig: { clientSecret: s, webhookSecretToken: `${s}w`, apiKey: `${s}a`, appSecret: `${s}s`, privateKey: `${s}k` } })],
    ['a user’s vendor API key', (s) => ({ apiKey: s })],
    ['the encryption keys in configuration', (s) => ({ config: { encryptionKey: s, previousEncryptionKeys: [`${s}1`] } })],
    ['a password', (s) => ({ meeting: { password: s }, password: `${s}t` })],
  ];

  for (const [what, shape] of cases) {
    it(`redacts ${what}`, () => {
      const value = secret();
      const out = logged(shape(value));
      expect(findLeaks(out, [{ name: what, value }]), out).to.deep.equal([]);
      expect(out).to.contain('[redacted]');
    });
  }

  it('keeps what is not a credential, so that the log still says what happened', () => {
    const out = JSON.parse(logged({ requestId: 'r-1', path: '/api/v1/links/x/meetings', status: 401, outcome: 'UNAUTHORIZED', linkId: 'l-1' })) as Record<string, unknown>;
    expect(out).to.include({ requestId: 'r-1', path: '/api/v1/links/x/meetings', status: 401, outcome: 'UNAUTHORIZED', linkId: 'l-1' });
  });
});

describe('configuration refusals (printed at start) never echo a credential', () => {
  const refusal = (env: Record<string, string>): string => {
    const loaded = loadConfig({ VIDEO_VENDOR: 'zoom', ZOOM_CLIENT_ID: 'z', ZOOM_CLIENT_SECRET: 'z', ZOOM_WEBHOOK_SECRET_TOKEN: 'z', ...env }, vendorPlugins);
    return E.isLeft(loaded) ? loaded.left.join('\n') : '';
  };

  it('masks the credentials, query and fragment of a refused URL, and shows the rest', () => {
    const value = secret();
    const out = [
      refusal({ PIPEDRIVE_OAUTH_URL: `ftp://user:${value}@oauth.example.com/path` }),
      refusal({ PIPEDRIVE_OAUTH_URL: `https://oauth.example.com/?api_key=${value}` }),
      refusal({ ZOOM_API_URL: `https://user:${value}@api.zoom.us/v2` }),
      refusal({ ZOOM_OAUTH_URL: `https://zoom.us/#${value}` }),
    ].join('\n');
    expect(findLeaks(out, [{ name: 'a credential in a URL', value }]), out).to.deep.equal([]);
    expect(out).to.contain('PIPEDRIVE_OAUTH_URL must be an http(s) URL without query (got "ftp://<credentials>@oauth.example.com/path")');
    expect(out).to.contain('ZOOM_API_URL must be an http(s) URL without query, fragment or credentials (got "https://<credentials>@api.zoom.us/v2")');
    expect(out).to.contain('got "https://zoom.us/#<fragment>"');
  });

  it('describes text that is no URL at all (a key in the wrong variable, say) by its length only', () => {
    const value = secret();
    const out = refusal({ ZOOM_API_URL: value });
    expect(findLeaks(out, [{ name: 'a key pasted as a URL', value }]), out).to.deep.equal([]);
    expect(out).to.contain(`ZOOM_API_URL must be an http(s) URL without query, fragment or credentials (got text that is not a URL, ${value.length} characters)`);
  });
});
