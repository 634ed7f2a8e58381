import { expect } from 'chai';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import nock from 'nock';

import {
  FetchPipedriveApi,
  type FetchPipedriveApiOptions,
} from '../../../src/adapters/pipedrive/fetch-pipedrive-api.js';
import type { PipedriveError } from '../../../src/domain/errors.js';
import type { LinkId, PipedriveId } from '../../../src/domain/ids.js';
import { expectLeft, expectRight } from '../../support/either.js';


const OAUTH = 'https://oauth.pipedrive.test';
const API = 'https://acme.pipedrive.test';
const CLIENT_ID = 'client-id-1234';
const CLIENT_SECRET = 'client-secret-shh';
const BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
const BEARER = 'Bearer access-token-AAAA';
const ACCESS = 'access-token-AAAA';
const REFRESH = 'refresh-token-RRRR';
const CODE = 'auth-code-CCCC';
const REDIRECT_URI = 'https://app.example.test/oauth/callback';
const LINK_ID = '2f1c9a8e-4b7d-4c3a-9e2f-1a2b3c4d5e6f' as LinkId;
const USER_ID = 42 as PipedriveId;
const COMPANY_ID = 7 as PipedriveId;

const FORM = 'application/x-www-form-urlencoded';
const CODE_FORM = `grant_type=authorization_code&code=${CODE}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`;
const REFRESH_FORM = `grant_type=refresh_token&refresh_token=${REFRESH}`;
const REVOKE_FORM = `token=${REFRESH}&token_type_hint=refresh_token`;

const TOKEN_ANSWER = {
  access_token: ACCESS,
  token_type: 'bearer',
  refresh_token: REFRESH,
  scope: 'base,video-calls',
  expires_in: 3599,
  api_domain: API,
};

/** Nothing a message may ever carry: tokens, the code, the client secret, either Authorization header. */
const SECRETS = [ACCESS, REFRESH, CODE, CLIENT_SECRET, BASIC.slice('Basic '.length)];

function pipedrive(options: Partial<FetchPipedriveApiOptions> = {}): FetchPipedriveApi {
  return new FetchPipedriveApi({
    oauthUrl: OAUTH,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    timeoutMs: 2_000,
    allowInsecureApiDomain: false,
    ...options,
  });
}

/** The Left of a task, checked to leak none of the secrets. */
async function failure<A>(task: TE.TaskEither<PipedriveError, A>): Promise<PipedriveError> {
  const error = expectLeft(await task());
  const shown = JSON.stringify(error);
  for (const secret of SECRETS) expect(shown, 'a secret in the error').not.to.include(secret);
  return error;
}

/** The token endpoint, expecting exactly this form with Basic auth. */
const tokenEndpoint = (form: string) =>
  nock(OAUTH)
    .matchHeader('authorization', BASIC)
    .matchHeader('content-type', FORM)
    .matchHeader('accept', 'application/json')
    .post('/oauth/token', form);

/** The API, expecting the Bearer token. */
const apiScope = () =>
  nock(API).matchHeader('authorization', BEARER).matchHeader('accept', 'application/json');

const registration = {
  linkId: LINK_ID,
  userId: USER_ID,
  companyId: COMPANY_ID,
  marketplaceClientId: CLIENT_ID,
};
const REGISTRATION_BODY = {
  user_provider_id: LINK_ID,
  user_id: 42,
  company_id: 7,
  marketplace_client_id: CLIENT_ID,
};
const registerScope = () =>
  apiScope()
    .matchHeader('content-type', 'application/json')
    .post('/api/v1/meetings/userProviderLinks', REGISTRATION_BODY);

describe('FetchPipedriveApi', () => {
  // Scoped to this suite: a module-level switch would stay on for every file loaded after this one.
  before(() => nock.disableNetConnect());
  after(() => nock.enableNetConnect());
  afterEach(() => {
    // Drops the timers of delayed replies too, so a timed-out test leaves nothing running.
    nock.abortPendingRequests();
    nock.cleanAll();
  });

  describe('exchangeCode', () => {
    it('posts the code as a form with Basic auth and decodes the token set', async () => {
      const scope = tokenEndpoint(CODE_FORM).reply(200, TOKEN_ANSWER);

      const tokens = expectRight(await pipedrive().exchangeCode(CODE, REDIRECT_URI)());

      expect(tokens).to.deep.equal({
        accessToken: ACCESS,
        refreshToken: REFRESH,
        expiresInSeconds: 3599,
        apiDomain: API,
      });
      scope.done();
    });

    it('normalises api_domain to scheme://host[:port] without a trailing slash', async () => {
      const scope = tokenEndpoint(CODE_FORM).reply(200, { ...TOKEN_ANSWER, api_domain: 'https://ACME.pipedrive.test:8443/' });

      const tokens = expectRight(await pipedrive().exchangeCode(CODE, REDIRECT_URI)());

      expect(tokens.apiDomain).to.equal('https://acme.pipedrive.test:8443');
      scope.done();
    });

    it('accepts an http api_domain only when allowed', async () => {
      const scope = tokenEndpoint(CODE_FORM).reply(200, { ...TOKEN_ANSWER, api_domain: 'http://127.0.0.1:4010' });

      const tokens = expectRight(
        await pipedrive({ allowInsecureApiDomain: true }).exchangeCode(CODE, REDIRECT_URI)(),
      );

      expect(tokens.apiDomain).to.equal('http://127.0.0.1:4010');
      scope.done();
    });

    const refusedDomains: readonly (readonly [string, string, RegExp])[] = [
      ['http when not allowed', 'http://acme.pipedrive.test', /scheme http is not allowed/],
      ['another scheme', 'ftp://acme.pipedrive.test', /scheme ftp is not allowed/],
      ['a path', 'https://acme.pipedrive.test/api/v1', /has a path/],
      ['credentials', 'https://u:p@acme.pipedrive.test', /carries credentials/],
      ['a query', 'https://acme.pipedrive.test/?next=https://evil.test', /has a query/],
      ['not a URL', 'acme.pipedrive.test', /is not a URL/],
      ['an empty string', '', /is not a URL/],
    ];
    for (const [what, apiDomain, why] of refusedDomains) {
      it(`refuses an api_domain with ${what} as PipedriveUnavailable`, async () => {
        const scope = tokenEndpoint(CODE_FORM).reply(200, { ...TOKEN_ANSWER, api_domain: apiDomain });

        const error = await failure(pipedrive().exchangeCode(CODE, REDIRECT_URI));

        expect(error._tag).to.equal('PipedriveUnavailable');
        expect(error.message).to.include('api_domain was refused').and.match(why);
        expect(error.message).not.to.include('u:p');
        scope.done();
      });
    }

    it('maps invalid_grant to PipedriveInvalidGrant', async () => {
      const scope = tokenEndpoint(CODE_FORM).reply(400, {
        error: 'invalid_grant',
        error_description: 'Invalid grant: authorization code is invalid',
      });

      const error = await failure(pipedrive().exchangeCode(CODE, REDIRECT_URI));

      expect(error._tag).to.equal('PipedriveInvalidGrant');
      expect(error.message).to.include('POST /oauth/token answered 400').and.include('authorization code is invalid');
      scope.done();
    });

    it('maps a 401 whose message says "Invalid grant" to PipedriveInvalidGrant', async () => {
      const scope = tokenEndpoint(CODE_FORM).reply(401, {
        success: false,
        message: 'Invalid grant: authorization code is invalid',
      });

      const error = await failure(pipedrive().exchangeCode(CODE, REDIRECT_URI));

      expect(error._tag).to.equal('PipedriveInvalidGrant');
      scope.done();
    });

    it('maps another 400 to PipedriveRejected with status and Pipedrive message', async () => {
      const scope = tokenEndpoint(CODE_FORM).reply(400, {
        error: 'invalid_request',
        error_description: 'redirect_uri is invalid',
      });

      const error = await failure(pipedrive().exchangeCode(CODE, REDIRECT_URI));

      expect(error).to.deep.equal({
        _tag: 'PipedriveRejected',
        status: 400,
        message: 'POST /oauth/token answered 400: invalid_request: redirect_uri is invalid',
      });
      scope.done();
    });

    it('maps a 401 without invalid_grant (bad client credentials) to PipedriveRejected', async () => {
      const scope = tokenEndpoint(CODE_FORM).reply(401, { error: 'invalid_client' });

      const error = await failure(pipedrive().exchangeCode(CODE, REDIRECT_URI));

      expect(error).to.deep.equal({
        _tag: 'PipedriveRejected',
        status: 401,
        message: 'POST /oauth/token answered 401: invalid_client',
      });
      scope.done();
    });

    it('maps a 4xx without a JSON body to PipedriveRejected without a message of its own', async () => {
      const scope = tokenEndpoint(CODE_FORM).reply(400, '<html>Bad Request</html>', { 'Content-Type': 'text/html' });

      const error = await failure(pipedrive().exchangeCode(CODE, REDIRECT_URI));

      expect(error).to.deep.equal({ _tag: 'PipedriveRejected', status: 400, message: 'POST /oauth/token answered 400' });
      scope.done();
    });

    it('trims Pipedrive message to 200 characters and redacts a secret it echoes', async () => {
      const scope = tokenEndpoint(CODE_FORM).reply(400, {
        error: `code ${CODE} is not for client secret ${CLIENT_SECRET} ${'x'.repeat(400)}`,
      });

      const error = await failure(pipedrive().exchangeCode(CODE, REDIRECT_URI));

      expect(error._tag).to.equal('PipedriveRejected');
      const said = error.message.slice('POST /oauth/token answered 400: '.length);
      expect(said).to.have.length(200);
      expect(said).to.match(/^code \[redacted\] is not for client secret \[redacted\] x+…$/);
      scope.done();
    });

    it('maps a 5xx to PipedriveUnavailable naming the call', async () => {
      const scope = tokenEndpoint(CODE_FORM).reply(503, { error: 'maintenance' });

      const error = await failure(pipedrive().exchangeCode(CODE, REDIRECT_URI));

      expect(error).to.deep.equal({ _tag: 'PipedriveUnavailable', message: 'POST /oauth/token answered 503' });
      scope.done();
    });

    it('maps a network error to PipedriveUnavailable', async () => {
      const scope = tokenEndpoint(CODE_FORM).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });

      const error = await failure(pipedrive().exchangeCode(CODE, REDIRECT_URI));

      expect(error._tag).to.equal('PipedriveUnavailable');
      expect(error.message).to.match(/^POST \/oauth\/token failed: /);
      scope.done();
    });

    it('does not follow a redirect: PipedriveUnavailable', async () => {
      const scope = tokenEndpoint(CODE_FORM).reply(302, '', { Location: 'https://elsewhere.test/oauth/token' });

      const error = await failure(pipedrive().exchangeCode(CODE, REDIRECT_URI));

      expect(error).to.deep.equal({ _tag: 'PipedriveUnavailable', message: 'POST /oauth/token answered 302' });
      scope.done();
    });

    const undecodable: readonly (readonly [string, string | Record<string, unknown>, RegExp])[] = [
      ['an HTML body', '<html><body>Welcome</body></html>', /not JSON/],
      ['an XML body', '<?xml version="1.0"?><token>x</token>', /not JSON/],
      ['malformed JSON', '{"access_token": "abc", ', /not JSON/],
      ['an empty body', '', /not JSON/],
      ['no refresh_token', { ...TOKEN_ANSWER, refresh_token: undefined }, /refresh_token/],
      ['an empty access_token', { ...TOKEN_ANSWER, access_token: '' }, /access_token/],
      ['expires_in 0', { ...TOKEN_ANSWER, expires_in: 0 }, /expires_in/],
      ['expires_in as a string', { ...TOKEN_ANSWER, expires_in: '3599' }, /expires_in/],
      ['no api_domain', { ...TOKEN_ANSWER, api_domain: undefined }, /api_domain/],
      ['a JSON array', '[1, 2]', /invalid: the body/],
    ];
    for (const [what, body, names] of undecodable) {
      it(`maps a 200 with ${what} to PipedriveUnavailable`, async () => {
        const scope = tokenEndpoint(CODE_FORM).reply(200, body);

        const error = await failure(pipedrive().exchangeCode(CODE, REDIRECT_URI));

        expect(error._tag).to.equal('PipedriveUnavailable');
        expect(error.message).to.match(/^POST \/oauth\/token answered 200 with a body that /).and.match(names);
        scope.done();
      });
    }

    it('maps a call that outlives timeoutMs to PipedriveTimeout, promptly', async () => {
      const scope = tokenEndpoint(CODE_FORM).delay(2_000).reply(200, TOKEN_ANSWER);
      const started = Date.now();

      const error = await failure(pipedrive({ timeoutMs: 100 }).exchangeCode(CODE, REDIRECT_URI));

      expect(error).to.deep.equal({
        _tag: 'PipedriveTimeout',
        message: 'POST /oauth/token did not answer within 100 ms',
      });
      expect(Date.now() - started).to.be.below(600);
      scope.done();
    });
  });

  describe('refresh', () => {
    it('posts the refresh token as a form with Basic auth and keeps a rotated refresh token', async () => {
      const scope = tokenEndpoint(REFRESH_FORM).reply(200, { ...TOKEN_ANSWER, refresh_token: 'refresh-token-NEW' });

      const tokens = expectRight(await pipedrive().refresh(REFRESH)());

      expect(tokens).to.deep.equal({
        accessToken: ACCESS,
        refreshToken: 'refresh-token-NEW',
        expiresInSeconds: 3599,
        apiDomain: API,
      });
      scope.done();
    });

    for (const [what, refreshToken] of [
      ['left out', undefined],
      ['null', null],
    ] as const) {
      it(`answers refreshToken undefined when the answer's refresh_token is ${what}`, async () => {
        const scope = tokenEndpoint(REFRESH_FORM).reply(200, { ...TOKEN_ANSWER, refresh_token: refreshToken });

        const tokens = expectRight(await pipedrive().refresh(REFRESH)());

        expect(tokens.refreshToken).to.equal(undefined);
        expect(tokens.accessToken).to.equal(ACCESS);
        scope.done();
      });
    }

    it('maps invalid_grant to PipedriveInvalidGrant', async () => {
      const scope = tokenEndpoint(REFRESH_FORM).reply(400, {
        success: false,
        error: 'Invalid grant: refresh_token is invalid',
      });

      const error = await failure(pipedrive().refresh(REFRESH));

      expect(error._tag).to.equal('PipedriveInvalidGrant');
      scope.done();
    });

    it('refuses a bad api_domain in a refresh answer too', async () => {
      const scope = tokenEndpoint(REFRESH_FORM).reply(200, { ...TOKEN_ANSWER, api_domain: 'http://acme.pipedrive.test' });

      const error = await failure(pipedrive().refresh(REFRESH));

      expect(error._tag).to.equal('PipedriveUnavailable');
      expect(error.message).to.include('api_domain was refused');
      scope.done();
    });
  });

  describe('revoke', () => {
    const revokeEndpoint = () =>
      nock(OAUTH)
        .matchHeader('authorization', BASIC)
        .matchHeader('content-type', FORM)
        .post('/oauth/revoke', REVOKE_FORM);

    it('posts the refresh token with its type hint, Basic auth; a 200 is success', async () => {
      const scope = revokeEndpoint().reply(200, { success: true });

      expectRight(await pipedrive().revoke(REFRESH)());

      scope.done();
    });

    it('takes a 200 with an empty body as success', async () => {
      const scope = revokeEndpoint().reply(200, '');

      expectRight(await pipedrive().revoke(REFRESH)());

      scope.done();
    });

    it('maps a 500 to PipedriveUnavailable', async () => {
      const scope = revokeEndpoint().reply(500, '<html>oops</html>');

      const error = await failure(pipedrive().revoke(REFRESH));

      expect(error).to.deep.equal({ _tag: 'PipedriveUnavailable', message: 'POST /oauth/revoke answered 500' });
      scope.done();
    });
  });

  describe('currentUser', () => {
    const usersMe = () => apiScope().get('/api/v1/users/me');

    it('gets users/me with the Bearer token and decodes user and company ids', async () => {
      const scope = usersMe().reply(200, {
        success: true,
        data: { id: 42, company_id: 7, name: 'Ada', company_domain: 'acme', locale: 'en_US' },
      });

      const user = expectRight(await pipedrive().currentUser(API, ACCESS)());

      expect(user).to.deep.equal({ userId: 42, companyId: 7 });
      scope.done();
    });

    it('maps a 401 to PipedriveUnauthorized', async () => {
      const scope = usersMe().reply(401, { success: false, error: 'Invalid token: access_token is invalid' });

      const error = await failure(pipedrive().currentUser(API, ACCESS));

      expect(error).to.deep.equal({
        _tag: 'PipedriveUnauthorized',
        message: 'GET /api/v1/users/me answered 401: Invalid token: access_token is invalid',
      });
      scope.done();
    });

    it('maps a 403 to PipedriveRejected with Pipedrive message', async () => {
      const scope = usersMe().reply(403, {
        success: false,
        error: 'Scope and URL mismatch',
        error_info: 'Please check developers.pipedrive.com',
        data: null,
      });

      const error = await failure(pipedrive().currentUser(API, ACCESS));

      expect(error).to.deep.equal({
        _tag: 'PipedriveRejected',
        status: 403,
        message: 'GET /api/v1/users/me answered 403: Scope and URL mismatch',
      });
      scope.done();
    });

    it('falls back to error_info when it is the only text', async () => {
      const scope = usersMe().reply(404, { success: false, error_info: 'Please check developers.pipedrive.com' });

      const error = await failure(pipedrive().currentUser(API, ACCESS));

      expect(error).to.deep.equal({
        _tag: 'PipedriveRejected',
        status: 404,
        message: 'GET /api/v1/users/me answered 404: Please check developers.pipedrive.com',
      });
      scope.done();
    });

    it('maps a 500 to PipedriveUnavailable', async () => {
      const scope = usersMe().reply(500, { success: false, error: 'boom' });

      const error = await failure(pipedrive().currentUser(API, ACCESS));

      expect(error).to.deep.equal({ _tag: 'PipedriveUnavailable', message: 'GET /api/v1/users/me answered 500' });
      scope.done();
    });

    const badUsers: readonly (readonly [string, unknown, RegExp])[] = [
      ['no company_id', { data: { id: 42 } }, /data\.company_id/],
      ['an id of 0', { data: { id: 0, company_id: 7 } }, /data\.id/],
      ['an id as a string', { data: { id: '42', company_id: 7 } }, /data\.id/],
      ['a fractional company_id', { data: { id: 42, company_id: 7.5 } }, /data\.company_id/],
      ['no data', { success: true }, /data/],
    ];
    for (const [what, body, names] of badUsers) {
      it(`maps an answer with ${what} to PipedriveUnavailable naming the field`, async () => {
        const scope = usersMe().reply(200, body as Record<string, unknown>);

        const error = await failure(pipedrive().currentUser(API, ACCESS));

        expect(error._tag).to.equal('PipedriveUnavailable');
        expect(error.message).to.match(/^GET \/api\/v1\/users\/me answered 200 with a body that does not decode/);
        expect(error.message).to.match(names);
        scope.done();
      });
    }

    it('maps an HTML answer to PipedriveUnavailable', async () => {
      const scope = usersMe().reply(200, '<!doctype html><title>Login</title>', { 'Content-Type': 'text/html' });

      const error = await failure(pipedrive().currentUser(API, ACCESS));

      expect(error).to.deep.equal({
        _tag: 'PipedriveUnavailable',
        message: 'GET /api/v1/users/me answered 200 with a body that is not JSON',
      });
      scope.done();
    });

    it('sends nothing to an api_domain it would refuse (the Bearer token would go there)', async () => {
      // No interceptor: with net connect disabled a request would fail differently ("failed: ...").
      const error = await failure(pipedrive().currentUser('http://acme.pipedrive.test', ACCESS));

      expect(error).to.deep.equal({
        _tag: 'PipedriveUnavailable',
        message: 'GET /api/v1/users/me not sent: api_domain was refused: its scheme http is not allowed',
      });
      expect(nock.pendingMocks()).to.deep.equal([]);
    });

    it('maps a timeout to PipedriveTimeout', async () => {
      const scope = usersMe().delay(2_000).reply(200, { data: { id: 42, company_id: 7 } });
      const started = Date.now();

      const error = await failure(pipedrive({ timeoutMs: 100 }).currentUser(API, ACCESS));

      expect(error._tag).to.equal('PipedriveTimeout');
      expect(Date.now() - started).to.be.below(600);
      scope.done();
    });
  });

  describe('registerUserProviderLink', () => {
    it('posts the registration as JSON with the Bearer token', async () => {
      const scope = registerScope().reply(200, {
        success: true,
        data: { message: 'The user was added successfully' },
      });

      const answer = expectRight(await pipedrive().registerUserProviderLink(API, ACCESS, registration)());

      expect(answer).to.deep.equal({});
      expect(answer).not.to.have.property('redirectUrl');
      scope.done();
    });

    const placed: readonly (readonly [string, Record<string, unknown>])[] = [
      ['data.redirectUrl', { success: true, data: { redirectUrl: 'https://acme.pipedrive.test/settings/video' } }],
      ['data.redirect_url', { success: true, data: { redirect_url: 'https://acme.pipedrive.test/settings/video' } }],
      ['a top-level redirectUrl', { success: true, data: null, redirectUrl: 'https://acme.pipedrive.test/settings/video' }],
    ];
    for (const [where, body] of placed) {
      it(`reads the redirect URL from ${where}`, async () => {
        const scope = registerScope().reply(200, body);

        const answer = expectRight(await pipedrive().registerUserProviderLink(API, ACCESS, registration)());

        expect(answer).to.deep.equal({ redirectUrl: 'https://acme.pipedrive.test/settings/video' });
        scope.done();
      });
    }

    const notUrls: readonly (readonly [string, unknown])[] = [
      ['a javascript: URL', 'javascript:alert(1)'],
      ['a relative path', '/settings/video'],
      ['a number', 42],
      ['an empty string', ''],
    ];
    for (const [what, value] of notUrls) {
      it(`leaves the redirect URL absent when it is ${what}`, async () => {
        const scope = registerScope().reply(200, { success: true, data: { redirectUrl: value } });

        const answer = expectRight(await pipedrive().registerUserProviderLink(API, ACCESS, registration)());

        expect(answer).to.deep.equal({});
        scope.done();
      });
    }

    it('takes the next place when the first holds no http(s) URL', async () => {
      const scope = registerScope().reply(200, {
        success: true,
        data: { redirectUrl: 'javascript:alert(1)' },
        redirectUrl: 'http://acme.pipedrive.test/',
      });

      const answer = expectRight(await pipedrive().registerUserProviderLink(API, ACCESS, registration)());

      expect(answer).to.deep.equal({ redirectUrl: 'http://acme.pipedrive.test/' });
      scope.done();
    });

    it('maps a 200 without success: true to PipedriveUnavailable', async () => {
      const scope = registerScope().reply(200, { success: false, data: null });

      const error = await failure(pipedrive().registerUserProviderLink(API, ACCESS, registration));

      expect(error._tag).to.equal('PipedriveUnavailable');
      expect(error.message).to.include('does not decode').and.include('success');
      scope.done();
    });

    it('maps malformed JSON to PipedriveUnavailable', async () => {
      const scope = registerScope().reply(200, '{"success": tru');

      const error = await failure(pipedrive().registerUserProviderLink(API, ACCESS, registration));

      expect(error).to.deep.equal({
        _tag: 'PipedriveUnavailable',
        message: 'POST /api/v1/meetings/userProviderLinks answered 200 with a body that is not JSON',
      });
      scope.done();
    });

    it('maps a 401 to PipedriveUnauthorized', async () => {
      const scope = registerScope().reply(401, { success: false, message: 'Missing user id or company id' });

      const error = await failure(pipedrive().registerUserProviderLink(API, ACCESS, registration));

      expect(error._tag).to.equal('PipedriveUnauthorized');
      expect(error.message).to.include('Missing user id or company id');
      scope.done();
    });

    it('maps a 403 to PipedriveRejected', async () => {
      const scope = registerScope().reply(403, { success: false, error: 'Scope and URL mismatch' });

      const error = await failure(pipedrive().registerUserProviderLink(API, ACCESS, registration));

      expect(error).to.deep.equal({
        _tag: 'PipedriveRejected',
        status: 403,
        message: 'POST /api/v1/meetings/userProviderLinks answered 403: Scope and URL mismatch',
      });
      scope.done();
    });

    it('redacts the access token when Pipedrive echoes it', async () => {
      const scope = registerScope().reply(400, { success: false, error: `token ${ACCESS} lacks video-calls` });

      const error = await failure(pipedrive().registerUserProviderLink(API, ACCESS, registration));

      expect(error.message).to.equal(
        'POST /api/v1/meetings/userProviderLinks answered 400: token [redacted] lacks video-calls',
      );
      scope.done();
    });
  });

  describe('deleteUserProviderLink', () => {
    const deleteLink = () => apiScope().delete(`/api/v1/meetings/userProviderLinks/${LINK_ID}`);

    it('deletes the link with the Bearer token', async () => {
      const scope = deleteLink().reply(200, {
        success: true,
        data: { message: 'The user data was successfully removed' },
      });

      expectRight(await pipedrive().deleteUserProviderLink(API, ACCESS, LINK_ID)());

      scope.done();
    });

    it('counts a 404 as done', async () => {
      const scope = deleteLink().reply(404, { success: false, error: 'Not found' });

      expectRight(await pipedrive().deleteUserProviderLink(API, ACCESS, LINK_ID)());

      scope.done();
    });

    it('maps a 401 to PipedriveUnauthorized', async () => {
      const scope = deleteLink().reply(401, { success: false, message: 'unauthorized access' });

      const error = await failure(pipedrive().deleteUserProviderLink(API, ACCESS, LINK_ID));

      expect(error).to.deep.equal({
        _tag: 'PipedriveUnauthorized',
        message: `DELETE /api/v1/meetings/userProviderLinks/${LINK_ID} answered 401: unauthorized access`,
      });
      scope.done();
    });

    it('maps a 502 to PipedriveUnavailable', async () => {
      const scope = deleteLink().reply(502, 'Bad Gateway');

      const error = await failure(pipedrive().deleteUserProviderLink(API, ACCESS, LINK_ID));

      expect(error).to.deep.equal({
        _tag: 'PipedriveUnavailable',
        message: `DELETE /api/v1/meetings/userProviderLinks/${LINK_ID} answered 502`,
      });
      scope.done();
    });

    it('maps a 200 that is not JSON to PipedriveUnavailable', async () => {
      const scope = deleteLink().reply(200, 'OK');

      const error = await failure(pipedrive().deleteUserProviderLink(API, ACCESS, LINK_ID));

      expect(error._tag).to.equal('PipedriveUnavailable');
      expect(error.message).to.include('not JSON');
      scope.done();
    });
  });

  describe('laziness', () => {
    type Build = (api: FetchPipedriveApi) => TE.TaskEither<PipedriveError, unknown>;
    const cases: readonly (readonly [string, () => nock.Scope, Build])[] = [
      [
        'exchangeCode',
        () => tokenEndpoint(CODE_FORM).reply(200, TOKEN_ANSWER),
        (api) => api.exchangeCode(CODE, REDIRECT_URI),
      ],
      ['refresh', () => tokenEndpoint(REFRESH_FORM).reply(200, TOKEN_ANSWER), (api) => api.refresh(REFRESH)],
      ['revoke', () => nock(OAUTH).post('/oauth/revoke', REVOKE_FORM).reply(200, ''), (api) => api.revoke(REFRESH)],
      [
        'currentUser',
        () => apiScope().get('/api/v1/users/me').reply(200, { data: { id: 42, company_id: 7 } }),
        (api) => api.currentUser(API, ACCESS),
      ],
      [
        'registerUserProviderLink',
        () => registerScope().reply(200, { success: true }),
        (api) => api.registerUserProviderLink(API, ACCESS, registration),
      ],
      [
        'deleteUserProviderLink',
        () => apiScope().delete(`/api/v1/meetings/userProviderLinks/${LINK_ID}`).reply(200, { success: true }),
        (api) => api.deleteUserProviderLink(API, ACCESS, LINK_ID),
      ],
    ];
    for (const [method, intercept, build] of cases) {
      it(`${method} sends nothing until its task runs, and starts its timeout then`, async () => {
        const scope = intercept();
        const task = build(pipedrive({ timeoutMs: 100 }));

        // Longer than the timeout: a timer started when the task was built would have fired by now.
        await new Promise((resolve) => setTimeout(resolve, 150));
        expect(scope.isDone(), 'request made before the task ran').to.equal(false);
        expect(nock.pendingMocks()).to.have.length(1);

        expectRight(await task());
        scope.done();
      });
    }
  });
});
