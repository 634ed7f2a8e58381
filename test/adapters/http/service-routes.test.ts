import { expect } from 'chai';
import request from 'supertest';

import { BASIC, CLIENT_ID, testDeployment, type TestDeployment } from '../../support/service.js';

describe('service routes: health, manifest, the stub meeting page, headers', () => {
  let deployment: TestDeployment;

  beforeEach(async () => {
    deployment = await testDeployment();
  });
  afterEach(() => deployment.close());

  it('GET /healthz and /readyz answer 200 on a working store', async () => {
    const health = await request(deployment.callback).get('/healthz');
    expect(health.status).to.equal(200);
    expect(health.body).to.deep.equal({ status: 'ok' });
    const ready = await request(deployment.callback).get('/readyz');
    expect(ready.status).to.equal(200);
    expect(ready.body).to.deep.equal({ status: 'ready' });
  });

  it('GET /manifest.json describes this deployment: v202049, its client id, absolute endpoint URLs', async () => {
    const response = await request(deployment.callback).get('/manifest.json');
    expect(response.status).to.equal(200);
    expect(response.body).to.deep.equal({
      version: 'v202049',
      clientId: CLIENT_ID,
      endpoints: {
        postMeeting: 'https://video.test/api/v1/links/:linkId/meetings',
        deleteMeeting: 'https://video.test/api/v1/links/:linkId/meetings/:meetingId',
        patchUpdateMeeting: 'https://video.test/api/v1/links/:linkId/meetings/:meetingId',
      },
    });
  });

  it('serves every manifest endpoint it names (the router mounts the same paths)', async () => {
    const manifest = (await request(deployment.callback).get('/manifest.json')).body as {
      endpoints: Record<string, string>;
    };
    const linkId = await deployment.link('active');
    const body = { topic: 'Path check', start_time: '2026-12-01 10:00', duration: 15 };
    const post = await request(deployment.callback)
      .post(new URL(manifest.endpoints['postMeeting']!.replace(':linkId', linkId)).pathname)
      .set('Authorization', BASIC)
      .send(body);
    expect(post.status).to.equal(201);
    const meetingPath = (name: string): string =>
      new URL(manifest.endpoints[name]!.replace(':linkId', linkId).replace(':meetingId', post.body.data.meeting_id)).pathname;
    const patch = await request(deployment.callback).patch(meetingPath('patchUpdateMeeting')).set('Authorization', BASIC).send(body);
    expect(patch.status).to.equal(204);
    const del = await request(deployment.callback).delete(meetingPath('deleteMeeting')).set('Authorization', BASIC);
    expect(del.status).to.equal(204);
  });

  describe('the stub meeting page', () => {
    it('shows the meeting, escaped, says it is a stub, and answers 410 once deleted', async () => {
      const linkId = await deployment.link('active');
      const created = await request(deployment.callback)
        .post(`/api/v1/links/${linkId}/meetings`)
        .set('Authorization', BASIC)
        .send({ topic: '<script>alert("x")</script> & co', start_time: '2026-12-01 10:00', duration: 1 });
      const { join_url: joinUrl, meeting_id: meetingId, password } = created.body.data;
      const page = await request(deployment.callback).get(new URL(joinUrl).pathname);
      expect(page.status).to.equal(200);
      expect(page.headers['content-type']).to.match(/^text\/html/);
      expect(page.text).to.contain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
      expect(page.text).not.to.contain('<script>');
      expect(page.text).to.contain('<html lang="en">').and.contain('stub').and.contain('1 minute<');
      expect(page.text).to.contain(password);

      await request(deployment.callback).delete(`/api/v1/links/${linkId}/meetings/${meetingId}`).set('Authorization', BASIC);
      const gone = await request(deployment.callback).get(new URL(joinUrl).pathname);
      expect(gone.status).to.equal(410);
      expect(gone.text).to.contain('cancelled');
    });

    it('answers 404 for a meeting it does not know', async () => {
      const page = await request(deployment.callback).get('/stub/meetings/stub-nothing-here');
      expect(page.status).to.equal(404);
      expect(page.headers['content-type']).to.match(/^text\/html/);
      expect(page.text).to.contain('Meeting not found');
    });
  });

  describe('headers on every answer', () => {
    for (const path of ['/healthz', '/manifest.json', '/nope', '/stub/meetings/stub-x']) {
      it(`GET ${path} carries the security headers and a request id`, async () => {
        const response = await request(deployment.callback).get(path);
        expect(response.headers['content-security-policy']).to.contain("default-src 'none'").and.contain("frame-ancestors 'none'");
        expect(response.headers['x-content-type-options']).to.equal('nosniff');
        expect(response.headers['referrer-policy']).to.equal('no-referrer');
        expect(response.headers['cache-control']).to.equal('no-store');
        expect(response.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
      });
    }

    it('echoes a well-formed X-Request-Id and replaces a malformed one', async () => {
      const given = await request(deployment.callback).get('/healthz').set('X-Request-Id', 'abc-123');
      expect(given.headers['x-request-id']).to.equal('abc-123');
      const hostile = await request(deployment.callback).get('/healthz').set('X-Request-Id', 'a b<c>');
      expect(hostile.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
    });

    it('lets the page stylesheet through the CSP by its hash only', async () => {
      const response = await request(deployment.callback).get('/stub/meetings/stub-x');
      expect(response.headers['content-security-policy']).to.match(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
      expect(response.headers['content-security-policy']).not.to.contain('unsafe-inline');
    });
  });
});
