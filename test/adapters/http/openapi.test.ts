import { Validator } from '@seriousme/openapi-schema-validator';
import { expect } from 'chai';
import request from 'supertest';

import { OBSERVABILITY_ROUTES, observabilityRouter } from '../../../src/adapters/http/observability-router.js';
import { mountedRoutes, undocumentedRoutes } from '../../../src/adapters/http/openapi/openapi-document.js';
import type { Env } from '../../../src/infrastructure/config.js';
import { HttpRouters, OpenApiDocument } from '../../../src/infrastructure/container/http.module.js';
import { keyTestPlugin } from '../../support/key-test-vendor.js';
import { oauthTestPlugin } from '../../support/oauth-test-vendor.js';
import { checkedCallback, OpenApiResponseChecker } from '../../support/openapi-check.js';
import { BASIC, testDeployment, type TestDeployment } from '../../support/service.js';

// A test edits the document's JSON at any depth; typing each level would only add casts.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

/** Every shape a deployment can take: each vendor, each of its modes, the test vendors, a secured /metrics. */
const CONFIGURATIONS: readonly { readonly name: string; readonly env: Env; readonly vendorRoute?: string }[] = [
  { name: 'stub', env: {}, vendorRoute: '/stub/meetings/{vendorRef}' },
  { name: 'stub with METRICS_TOKEN', env: { METRICS_TOKEN: 'a-metrics-token-of-some-length' }, vendorRoute: '/stub/meetings/{vendorRef}' },
  {
    name: 'zoom',
    env: { VIDEO_VENDOR: 'zoom', ZOOM_CLIENT_ID: 'zid', ZOOM_CLIENT_SECRET: 'zsecret', ZOOM_WEBHOOK_SECRET_TOKEN: 'zwebhook' },
    vendorRoute: '/webhooks/zoom',
  },
  { name: 'jitsi public', env: { VIDEO_VENDOR: 'jitsi' } },
  {
    name: 'jitsi selfhosted',
    env: { VIDEO_VENDOR: 'jitsi', JITSI_MODE: 'selfhosted', JITSI_BASE_URL: 'https://meet.example.test', JITSI_APP_ID: 'app', JITSI_APP_SECRET: 'secret' },
    vendorRoute: '/j/{room}',
  },
  { name: 'daily with a deployment key', env: { VIDEO_VENDOR: 'daily', DAILY_API_KEY: 'daily-key-0123456789' } },
  { name: 'daily, a key per user', env: { VIDEO_VENDOR: 'daily' }, vendorRoute: '/oauth/vendor/key' },
  { name: 'key-test vendor', env: { VIDEO_VENDOR: 'key-test' }, vendorRoute: '/oauth/vendor/key' },
  { name: 'oauth-test vendor', env: { VIDEO_VENDOR: 'oauth-test' } },
];

const VENDOR_ROUTES = ['/stub/meetings/{vendorRef}', '/webhooks/zoom', '/j/{room}', '/oauth/vendor/key'];

describe('the OpenAPI document (GET /openapi.json)', () => {
  for (const configuration of CONFIGURATIONS) {
    describe(`of a ${configuration.name} deployment`, () => {
      let deployment: TestDeployment;
      before(async () => {
        deployment = await testDeployment(configuration.env, { plugins: [keyTestPlugin, oauthTestPlugin] });
      });
      after(() => deployment.close());

      it('is valid OpenAPI 3.1 for a maintained validator', async () => {
        const served = await request(deployment.callback).get('/openapi.json');
        expect(served.status).to.equal(200);
        expect(served.headers['content-type']).to.match(/^application\/json/);
        expect(served.body).to.deep.equal(deployment.container.get(OpenApiDocument));
        const validator = new Validator();
        const result = await validator.validate(structuredClone(served.body as Json));
        expect(result.errors, JSON.stringify(result.errors, null, 2)).to.equal(undefined);
        expect(result.valid).to.equal(true);
        expect(validator.version).to.equal('3.1');
        expect(served.body.servers).to.deep.equal([{ url: 'https://video.test' }]);
      });

      it('describes exactly the routes the deployment mounts, its vendor’s own included', () => {
        const mounted = [...mountedRoutes(deployment.container.get<HttpRouters>(HttpRouters)), ...OBSERVABILITY_ROUTES];
        expect(undocumentedRoutes(mounted), 'describe these in src/adapters/http/openapi/operations.ts').to.deep.equal([]);
        const document = deployment.container.get<Json>(OpenApiDocument);
        const described = Object.entries(document['paths'] as Record<string, Json>).flatMap(([path, item]) =>
          Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
        );
        expect(described.sort()).to.deep.equal(mounted.map((route) => `${route.method} ${route.path}`).sort());
        for (const route of VENDOR_ROUTES) {
          expect(Object.keys(document['paths'] as Json).includes(route), route).to.equal(route === configuration.vendorRoute);
        }
      });
    });
  }

  it('lists /metrics and /openapi.json as the router that serves them mounts them', () => {
    const router = observabilityRouter({ scrape: () => Promise.resolve({ contentType: 'text/plain', body: '' }), openApiDocument: () => ({}) });
    expect(mountedRoutes([router])).to.deep.equal(OBSERVABILITY_ROUTES);
  });

  it('says when /metrics needs a bearer token', async () => {
    const open = await testDeployment();
    const secured = await testDeployment({ METRICS_TOKEN: 'a-metrics-token-of-some-length' });
    try {
      const metricsOf = (d: TestDeployment): Json => (d.container.get<Json>(OpenApiDocument)['paths'] as Json)['/metrics'].get;
      expect(metricsOf(open).security).to.deep.equal([]);
      expect(Object.keys(metricsOf(open).responses)).not.to.include('401');
      expect(metricsOf(secured).security).to.deep.equal([{ metricsBearer: [] }]);
      expect(Object.keys(metricsOf(secured).responses)).to.include('401');
    } finally {
      await open.close();
      await secured.close();
    }
  });

  it('is refused by the validator when it is not OpenAPI (the validator bites)', async () => {
    const deployment = await testDeployment();
    try {
      const broken = structuredClone(deployment.container.get<Json>(OpenApiDocument));
      delete broken['info'];
      broken['paths']['/healthz'].get.responses['200'].headers['X-Request-Id'] = { schema: 'not a schema' };
      const result = await new Validator().validate(broken);
      expect(result.valid).to.equal(false);
    } finally {
      await deployment.close();
    }
  });
});

describe('checking real answers against the document: a document that drifts is caught', () => {
  let deployment: TestDeployment;
  let linkId: string;
  before(async () => {
    deployment = await testDeployment();
    linkId = await deployment.link('active');
  });
  after(() => deployment.close());

  /** The deployment's real answers to a few requests, checked against `document`; every problem. */
  async function problemsWith(document: Json): Promise<string[]> {
    const problems: string[] = [];
    const callback = checkedCallback(deployment.app.callback(), new OpenApiResponseChecker(document), (problem) => problems.push(problem));
    const body = { topic: 'Drift', start_time: '2026-12-01 10:00', duration: 30 };
    const created = await request(callback).post(`/api/v1/links/${linkId}/meetings`).set('Authorization', BASIC).send(body).expect(201);
    const meetingUrl = `/api/v1/links/${linkId}/meetings/${created.body.data.meeting_id as string}`;
    await request(callback).patch(meetingUrl).set('Authorization', BASIC).send(body).expect(204);
    await request(callback).post(`/api/v1/links/${linkId}/meetings`).send(body).expect(401);
    await request(callback).get('/healthz').expect(200);
    await request(callback).get('/manifest.json').expect(200);
    await request(callback).get('/nothing/here').expect(404);
    await request(callback).put('/healthz').expect(405);
    return problems;
  }

  const served = (): Json => structuredClone(deployment.container.get<Json>(OpenApiDocument));

  it('finds nothing wrong with the document the deployment serves', async () => {
    expect(await problemsWith(served())).to.deep.equal([]);
  });

  it('reports a body that does not match its schema, naming route, status and the schema error', async () => {
    const document = served();
    document['components'].schemas.CreatedMeeting.properties.data.properties.join_url = { type: 'integer' };
    expect(await problemsWith(document)).to.deep.equal([
      'POST /api/v1/links/{linkId}/meetings answered 201: body/data/join_url must be integer',
    ]);
  });

  it('reports a status the document does not list for that route', async () => {
    const document = served();
    delete document['paths']['/api/v1/links/{linkId}/meetings/{meetingId}'].patch.responses['204'];
    const [problem] = await problemsWith(document);
    expect(problem).to.match(/^PATCH \/api\/v1\/links\/\{linkId\}\/meetings\/\{meetingId\} answered 204: status not documented \(documented: /);
  });

  it('reports an answer of a route the document does not describe', async () => {
    const document = served();
    delete document['paths']['/healthz'];
    expect(await problemsWith(document)).to.deep.equal([
      'GET /healthz answered 200: path not in the document, so only 404 is expected',
      'PUT /healthz answered 405: path not in the document, so only 404 is expected',
    ]);
  });

  it('reports a content type, a required header and an error code the document does not allow', async () => {
    const document = served();
    const manifest = document['paths']['/manifest.json'].get.responses['200'];
    manifest.content = { 'text/html': manifest.content['application/json'] };
    document['components'].headers.RequestId.schema = { type: 'string', pattern: '^never$' };
    const unauthorized = document['paths']['/api/v1/links/{linkId}/meetings'].post.responses['401'];
    unauthorized.content['application/json'].schema.allOf[1].properties.error.properties.code.enum = ['SOMETHING_ELSE'];
    const problems = await problemsWith(document);
    expect(problems).to.include('GET /manifest.json answered 200: Content-Type application/json is not documented (documented: text/html)');
    expect(problems.some((p) => p.startsWith('GET /healthz answered 200: header X-Request-Id: ') && p.includes('must match pattern "^never$"'))).to.equal(true);
    expect(problems.some((p) => p.startsWith('POST /api/v1/links/{linkId}/meetings answered 401: body/error/code must be equal to one of the allowed values'))).to.equal(true);
  });
});
