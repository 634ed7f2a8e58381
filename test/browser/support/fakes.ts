import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import { escapeHtml } from '../../../src/adapters/http/html.js';

/**
 * Loopback stand-ins for the sites a person's browser visits during an install: Pipedrive's OAuth
 * consent screen, token endpoint and API; Zoom's consent screen, token endpoint and user API;
 * Daily's API; a Jitsi server. The browser follows our redirects to them for real, and our service
 * calls their endpoints over loopback. Each checks what it is sent the way the real one would
 * (client credentials, redirect URI, single-use codes, bearer tokens) and records it for the tests.
 */

export interface Loopback {
  readonly url: string;
  close(): Promise<void>;
}

type Handler = (request: IncomingMessage, url: URL, body: string) => Answer | Promise<Answer>;

interface Answer {
  readonly status: number;
  readonly json?: unknown;
  readonly html?: string;
  readonly location?: string;
}

/** A server on 127.0.0.1 with an OS-chosen port; `close` also drops the browser's kept-alive sockets. */
export async function loopback(handler: Handler): Promise<Loopback> {
  const server: Server = createServer((request, response) => {
    void serve(handler, request, response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('loopback server has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

async function serve(handler: Handler, request: IncomingMessage, response: ServerResponse): Promise<void> {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? '/', 'http://fake.invalid');
    const answer = await handler(request, url, Buffer.concat(chunks).toString('utf8'));
    response.statusCode = answer.status;
    if (answer.location !== undefined) response.setHeader('location', answer.location);
    if (answer.html !== undefined) {
      response.setHeader('content-type', 'text/html; charset=utf-8');
      response.end(answer.html);
    } else if (answer.json !== undefined) {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(answer.json));
    } else response.end();
  } catch (error) {
    response.statusCode = 500;
    response.end(String(error));
  }
}

const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** A bare page of a third-party site (not ours: no claims about its accessibility). */
function sitePage(site: string, title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} - ${site} (test fake)</title></head>
<body><main><p>${site} (loopback test fake)</p><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

/** The consent screen every OAuth server shows: allow sends the browser back with a code, deny with an error. */
function consentPage(site: string, appName: string, redirectUri: string, allow: Record<string, string>, deny: Record<string, string>): string {
  const back = (params: Record<string, string>): string => {
    const target = new URL(redirectUri);
    for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
    return escapeHtml(target.href);
  };
  return sitePage(
    site,
    `Allow ${appName}?`,
    `<p>${escapeHtml(appName)} wants access to your ${site} account.</p>
<p><a id="allow" href="${back(allow)}">Allow</a> <a id="deny" href="${back(deny)}">Deny</a></p>`,
  );
}

const formOf = (body: string): URLSearchParams => new URLSearchParams(body);

// ------------------------------------------------------------------------------------------------

export interface PipedriveUser {
  readonly id: number;
  readonly companyId: number;
}

export interface PipedriveFake extends Loopback {
  /** The consent screens shown, with the query they were opened with. */
  readonly authorizations: URLSearchParams[];
  /** Bodies of `POST /api/v1/meetings/userProviderLinks`. */
  readonly registrations: Record<string, unknown>[];
  /** Where the registration sends the browser: Pipedrive's "app installed" page. */
  readonly installedUrl: string;
  /** `token-down`: the token endpoint answers 500 (Pipedrive is down) until set back to `ok`. */
  mode: 'ok' | 'token-down';
  /** Who is logged in to Pipedrive: `users/me` answers this user. */
  user: PipedriveUser;
}

/**
 * Pipedrive: `GET /oauth/authorize` (consent), `POST /oauth/token` (code exchange, Basic auth,
 * the registered redirect URI, single-use codes), `GET /api/v1/users/me`, `POST
 * /api/v1/meetings/userProviderLinks` (answers the redirect URL), and the page that URL opens.
 * The token answer's `api_domain` is this server, so the API calls come back here too.
 */
export async function pipedriveFake(client: { id: string; secret: string; callbackUrl: string }): Promise<PipedriveFake> {
  const codes = new Set<string>();
  const tokens = new Set<string>();
  const state = {
    authorizations: [] as URLSearchParams[],
    registrations: [] as Record<string, unknown>[],
    mode: 'ok' as PipedriveFake['mode'],
    user: { id: 1, companyId: 1 } as PipedriveUser,
  };
  let base = '';
  const server = await loopback((request, url, body) => {
    const route = `${request.method} ${url.pathname}`;
    switch (route) {
      case 'GET /oauth/authorize': {
        state.authorizations.push(url.searchParams);
        const redirectUri = url.searchParams.get('redirect_uri') ?? '';
        if (url.searchParams.get('client_id') !== client.id || redirectUri !== client.callbackUrl) {
          return { status: 400, html: sitePage('Pipedrive', 'Invalid client or redirect URI', '') };
        }
        const code = `pd-code-${randomUUID()}`;
        codes.add(code);
        const stateParam = url.searchParams.get('state');
        const withState = stateParam === null ? {} : { state: stateParam };
        return {
          status: 200,
          html: consentPage('Pipedrive', 'Video calls', redirectUri, { code, ...withState }, { error: 'user_denied', ...withState }),
        };
      }
      case 'POST /oauth/token': {
        if (state.mode === 'token-down') return { status: 500, json: { success: false, error: 'internal' } };
        const form = formOf(body);
        const code = form.get('code') ?? '';
        if (
          request.headers.authorization !== basic(client.id, client.secret) ||
          form.get('grant_type') !== 'authorization_code' ||
          form.get('redirect_uri') !== client.callbackUrl ||
          !codes.delete(code)
        ) {
          return { status: 400, json: { success: false, error: 'invalid_grant', error_description: 'bad code or client' } };
        }
        const access = `pd-access-${randomUUID()}`;
        tokens.add(access);
        return {
          status: 200,
          json: {
            access_token: access,
            refresh_token: `pd-refresh-${randomUUID()}`,
            token_type: 'bearer',
            expires_in: 3599,
            scope: 'video-calls',
            api_domain: base,
          },
        };
      }
      case 'GET /api/v1/users/me':
        if (!tokens.has(bearerOf(request))) return { status: 401, json: { success: false, error: 'unauthorized' } };
        return { status: 200, json: { success: true, data: { id: state.user.id, company_id: state.user.companyId } } };
      case 'POST /api/v1/meetings/userProviderLinks':
        if (!tokens.has(bearerOf(request))) return { status: 401, json: { success: false, error: 'unauthorized' } };
        state.registrations.push(JSON.parse(body) as Record<string, unknown>);
        return { status: 200, json: { success: true, data: { redirectUrl: `${base}/settings/installed` } } };
      case 'GET /settings/installed':
        return { status: 200, html: sitePage('Pipedrive', 'Video calls app installed', '<p>Choose your preferences.</p>') };
      default:
        return { status: 404, json: { success: false, error: `no fake route ${route}` } };
    }
  });
  base = server.url;
  return Object.assign(state, { url: server.url, close: server.close, installedUrl: `${server.url}/settings/installed` });
}

const bearerOf = (request: IncomingMessage): string => (request.headers.authorization ?? '').replace(/^Bearer /, '');

// ------------------------------------------------------------------------------------------------

export interface ZoomFake extends Loopback {
  readonly authorizations: URLSearchParams[];
  /** Codes exchanged at the token endpoint. */
  readonly exchanges: string[];
  /** `token-down`: the token endpoint answers 503. */
  mode: 'ok' | 'token-down';
}

/** Zoom: `GET /oauth/authorize`, `POST /oauth/token` (Basic auth of the Zoom app), `GET /v2/users/me`. */
export async function zoomFake(app: { id: string; secret: string; callbackUrl: string }): Promise<ZoomFake> {
  const codes = new Set<string>();
  const tokens = new Set<string>();
  const state = { authorizations: [] as URLSearchParams[], exchanges: [] as string[], mode: 'ok' as ZoomFake['mode'] };
  const server = await loopback((request, url, body) => {
    const route = `${request.method} ${url.pathname}`;
    switch (route) {
      case 'GET /oauth/authorize': {
        state.authorizations.push(url.searchParams);
        const redirectUri = url.searchParams.get('redirect_uri') ?? '';
        if (
          url.searchParams.get('client_id') !== app.id ||
          url.searchParams.get('response_type') !== 'code' ||
          redirectUri !== app.callbackUrl
        ) {
          return { status: 400, html: sitePage('Zoom', 'Invalid client or redirect URI', '') };
        }
        const code = `zoom-code-${randomUUID()}`;
        codes.add(code);
        const stateParam = url.searchParams.get('state') ?? '';
        return {
          status: 200,
          html: consentPage('Zoom', 'Pipedrive video calls', redirectUri, { code, state: stateParam }, { error: 'access_denied', state: stateParam }),
        };
      }
      case 'POST /oauth/token': {
        if (state.mode === 'token-down') return { status: 503, json: { reason: 'Service unavailable' } };
        const form = formOf(body);
        const code = form.get('code') ?? '';
        state.exchanges.push(code);
        if (
          request.headers.authorization !== basic(app.id, app.secret) ||
          form.get('grant_type') !== 'authorization_code' ||
          form.get('redirect_uri') !== app.callbackUrl ||
          !codes.delete(code)
        ) {
          return { status: 400, json: { reason: 'Invalid authorization code', error: 'invalid_grant' } };
        }
        const access = `zoom-access-${randomUUID()}`;
        tokens.add(access);
        return {
          status: 200,
          json: { access_token: access, refresh_token: `zoom-refresh-${randomUUID()}`, token_type: 'bearer', expires_in: 3599, scope: 'user:read:user' },
        };
      }
      case 'GET /v2/users/me':
        if (!tokens.has(bearerOf(request))) return { status: 401, json: { code: 124, message: 'Invalid access token.' } };
        return { status: 200, json: { id: 'zoom-user-1', email: 'someone@example.test' } };
      default:
        return { status: 404, json: { code: 404, message: `no fake route ${route}` } };
    }
  });
  return Object.assign(state, { url: server.url, close: server.close });
}

// ------------------------------------------------------------------------------------------------

/** Daily's API as the key check sees it: `GET /` answers the domain for the one good key, 401 otherwise. */
export async function dailyFake(goodKey: string): Promise<Loopback & { readonly checkedKeys: string[] }> {
  const checkedKeys: string[] = [];
  const server = await loopback((request, url) => {
    if (request.method === 'GET' && url.pathname === '/') {
      const key = bearerOf(request);
      checkedKeys.push(key);
      return key === goodKey
        ? { status: 200, json: { domain_name: 'acme-video', config: {} } }
        : { status: 401, json: { error: 'authorization-header-error', info: 'bad API key' } };
    }
    return { status: 404, json: { error: 'not-found', info: `no fake route ${request.method} ${url.pathname}` } };
  });
  return { ...server, checkedKeys };
}

/** A Jitsi server: any room path answers a page; the test reads the token from the browser's address. */
export async function jitsiFake(): Promise<Loopback> {
  return loopback((_request, url) => ({ status: 200, html: sitePage('Jitsi Meet', `Room ${url.pathname.slice(1)}`, '') }));
}
