import { expect } from 'chai';
import request from 'supertest';

import type { LinkId } from '../../../src/domain/ids.js';
import { BASIC, CLIENT_ID, testDeployment, type TestDeployment } from '../../support/service.js';

const BODY = { topic: 'Quarterly review', start_time: '2026-12-01 15:00', duration: 45 };
const meetingsOf = (linkId: string): string => `/api/v1/links/${linkId}/meetings`;
const meetingUrl = (linkId: string, meetingId: string): string => `/api/v1/links/${linkId}/meetings/${meetingId}`;

/** The contract's error body, exactly: nothing else beside success and error, nothing else inside error. */
function expectProblem(response: request.Response, status: number, code: string, mentions?: RegExp): void {
  expect(response.status, JSON.stringify(response.body)).to.equal(status);
  expect(response.headers['content-type']).to.match(/^application\/json/);
  expect(response.body).to.have.all.keys('success', 'error');
  expect(response.body.success).to.equal(false);
  expect(response.body.error).to.have.all.keys('code', 'message');
  expect(response.body.error.code).to.equal(code);
  expect(response.body.error.message).to.be.a('string').and.not.match(/\n\s+at /);
  if (mentions !== undefined) expect(response.body.error.message).to.match(mentions);
}

describe('reverse API (the three manifest endpoints)', () => {
  let deployment: TestDeployment;
  let linkId: LinkId;

  beforeEach(async () => {
    deployment = await testDeployment();
    linkId = await deployment.link('active');
  });
  afterEach(async () => {
    expect(deployment.faults.pending(), 'every armed stub fault was used').to.equal(0);
    await deployment.close();
  });

  const create = (id: string = linkId, body: unknown = BODY) =>
    request(deployment.callback).post(meetingsOf(id)).set('Authorization', BASIC).send(body as object);

  describe('postMeeting', () => {
    it('answers 201 with exactly meeting_id, join_url, password and invitation, all strings', async () => {
      const response = await create();
      expect(response.status).to.equal(201);
      expect(response.body).to.have.all.keys('success', 'data');
      expect(response.body.success).to.equal(true);
      expect(response.body.data).to.have.all.keys('meeting_id', 'join_url', 'password', 'invitation');
      for (const value of Object.values(response.body.data)) expect(value).to.be.a('string');
      const { meeting_id: meetingId, join_url: joinUrl, password, invitation } = response.body.data;
      expect(joinUrl).to.equal(`https://video.test/stub/meetings/stub-${meetingId}`);
      expect(password).to.match(/^\d{6}$/);
      expect(invitation).to.contain('Quarterly review').and.contain('2026-12-01 15:00 UTC').and.contain(joinUrl);
    });

    it('leaves password out (not null) when the vendor gives none', async () => {
      const quiet = await testDeployment({ STUB_PASSCODES: 'false' });
      try {
        const id = await quiet.link('active');
        const response = await request(quiet.callback).post(meetingsOf(id)).set('Authorization', BASIC).send(BODY);
        expect(response.status).to.equal(201);
        expect(response.body.data).to.have.all.keys('meeting_id', 'join_url', 'invitation');
      } finally {
        await quiet.close();
      }
    });

    it('gives every meeting its own id', async () => {
      const ids = new Set<string>();
      // Twenty different activities: identical bodies would be one create repeated (see duplicates).
      for (let i = 0; i < 20; i += 1) ids.add((await create(linkId, { ...BODY, topic: `Review ${i}` })).body.data.meeting_id as string);
      expect(ids.size).to.equal(20);
    });

    it('ignores body fields it does not know', async () => {
      const response = await create(linkId, { ...BODY, location: 'Room 4', attendees: [1, 2] });
      expect(response.status).to.equal(201);
    });
  });

  describe('patchUpdateMeeting and deleteMeeting', () => {
    it('reschedules with 204 and no body, and the meeting page shows the new time', async () => {
      const { meeting_id: meetingId, join_url: joinUrl } = (await create()).body.data;
      const response = await request(deployment.callback)
        .patch(meetingUrl(linkId, meetingId))
        .set('Authorization', BASIC)
        .send({ topic: 'Moved review', start_time: '2026-12-02 09:30', duration: 60 });
      expect(response.status).to.equal(204);
      expect(response.text).to.equal('');
      const page = await request(deployment.callback).get(new URL(joinUrl).pathname);
      expect(page.text).to.contain('Moved review').and.contain('2026-12-02 09:30 UTC').and.contain('60 minutes');
    });

    it('deletes with 204, and deleting again is also 204', async () => {
      const { meeting_id: meetingId } = (await create()).body.data;
      const first = await request(deployment.callback).delete(meetingUrl(linkId, meetingId)).set('Authorization', BASIC);
      expect(first.status).to.equal(204);
      expect(first.text).to.equal('');
      const second = await request(deployment.callback).delete(meetingUrl(linkId, meetingId)).set('Authorization', BASIC);
      expect(second.status).to.equal(204);
    });

    it('answers 204 to a delete of a meeting the vendor no longer has, and records it deleted', async () => {
      const { meeting_id: meetingId } = (await create()).body.data;
      deployment.faults.arm('delete', { kind: 'fail', error: { _tag: 'VendorMeetingGone', message: 'no such meeting' } });
      const response = await request(deployment.callback).delete(meetingUrl(linkId, meetingId)).set('Authorization', BASIC);
      expect(response.status).to.equal(204);
      const patch = await request(deployment.callback).patch(meetingUrl(linkId, meetingId)).set('Authorization', BASIC).send(BODY);
      expectProblem(patch, 404, 'MEETING_NOT_FOUND', /was deleted/);
    });
  });

  describe('400: invalid body or malformed JSON, naming the field', () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ['a missing topic', { start_time: BODY.start_time, duration: 45 }, /^topic: is required/],
      ['an empty topic', { ...BODY, topic: '   ' }, /^topic: expected a non-empty text/],
      ['a topic over 500 characters', { ...BODY, topic: 'x'.repeat(501) }, /^topic: .*at most 500/],
      ['a start_time in ISO form', { ...BODY, start_time: '2026-12-01T15:00:00Z' }, /^start_time: expected a UTC date and time written 'YYYY-MM-DD HH:mm'/],
      ['a start_time that is not on the calendar', { ...BODY, start_time: '2026-02-30 10:00' }, /^start_time: .*got "2026-02-30 10:00"/],
      ['a duration of zero', { ...BODY, duration: 0 }, /^duration: expected a whole number of minutes from 1 to 1440, got 0/],
      ['a fractional duration', { ...BODY, duration: 1.5 }, /^duration: /],
      ['a duration given as text', { ...BODY, duration: '45' }, /^duration: .*got "45"/],
      ['a body that is an array', [BODY], /^body: expected a JSON object/],
    ];
    for (const [what, body, message] of cases) {
      it(`refuses ${what} on create`, async () => {
        expectProblem(await create(linkId, body), 400, 'INVALID_BODY', message);
      });
    }

    it('names every offending field at once', async () => {
      const response = await create(linkId, { topic: '', start_time: 'soon', duration: -1 });
      expectProblem(response, 400, 'INVALID_BODY', /topic: .*; start_time: .*; duration: /);
    });

    it('refuses malformed JSON', async () => {
      const response = await request(deployment.callback)
        .post(meetingsOf(linkId))
        .set('Authorization', BASIC)
        .set('Content-Type', 'application/json')
        .send('{"topic": "x",');
      expectProblem(response, 400, 'INVALID_BODY', /^body: malformed JSON/);
    });

    it('refuses an empty body and a body that is not JSON', async () => {
      const empty = await request(deployment.callback)
        .post(meetingsOf(linkId))
        .set('Authorization', BASIC)
        .set('Content-Type', 'application/json');
      expectProblem(empty, 400, 'INVALID_BODY', /^body: is required/);
      const form = await request(deployment.callback)
        .post(meetingsOf(linkId))
        .set('Authorization', BASIC)
        .type('form')
        .send('topic=x');
      expectProblem(form, 400, 'INVALID_BODY', /Content-Type application\/json/);
    });

    it('refuses an invalid body on update and changes nothing', async () => {
      const { meeting_id: meetingId, join_url: joinUrl } = (await create()).body.data;
      const response = await request(deployment.callback)
        .patch(meetingUrl(linkId, meetingId))
        .set('Authorization', BASIC)
        .send({ ...BODY, topic: 'Changed', duration: 99999 });
      expectProblem(response, 400, 'INVALID_BODY', /^duration: /);
      const page = await request(deployment.callback).get(new URL(joinUrl).pathname);
      expect(page.text).to.contain('Quarterly review').and.not.contain('Changed');
    });
  });

  describe('401: credentials, checked before any other work', () => {
    const wrong = `Basic ${Buffer.from(`${CLIENT_ID}:not-the-secret`).toString('base64')}`;
    const cases: Array<[string, string | undefined]> = [
      ['no Authorization header', undefined],
      ['a wrong secret', wrong],
      ['another scheme', 'Bearer abc'],
      ['Basic with garbage', 'Basic %%%'],
      ['only the client id', `Basic ${Buffer.from(CLIENT_ID).toString('base64')}`],
    ];
    for (const [what, header] of cases) {
      it(`refuses ${what} on all three endpoints`, async () => {
        const requests = [
          request(deployment.callback).post(meetingsOf(linkId)),
          request(deployment.callback).patch(meetingUrl(linkId, 'AAAAAAAAAAAAAAAAAAAAAA')),
          request(deployment.callback).delete(meetingUrl(linkId, 'AAAAAAAAAAAAAAAAAAAAAA')),
        ];
        for (const pending of requests) {
          const response = await (header === undefined ? pending : pending.set('Authorization', header)).send(BODY);
          expectProblem(response, 401, 'UNAUTHORIZED');
          expect(response.headers['www-authenticate']).to.match(/^Basic realm=/);
        }
      });
    }

    it('answers 401, not 400 or 404, for a bad body on an unknown link without credentials', async () => {
      const response = await request(deployment.callback)
        .post(meetingsOf('not-a-link'))
        .set('Content-Type', 'application/json')
        .send('{not json');
      expectProblem(response, 401, 'UNAUTHORIZED');
    });

    it('accepts the scheme name in any case', async () => {
      const response = await create().set('Authorization', BASIC.replace('Basic', 'bAsIc'));
      expect(response.status).to.equal(201);
    });

    it('creates nothing when the credentials are wrong', async () => {
      deployment.faults.arm('create', { kind: 'fail', error: { _tag: 'VendorUnavailable', message: 'should not be called' } });
      const response = await request(deployment.callback).post(meetingsOf(linkId)).set('Authorization', wrong).send(BODY);
      expectProblem(response, 401, 'UNAUTHORIZED');
      expect(deployment.faults.pending(), 'the vendor was not called').to.equal(1);
      deployment.faults.clear();
    });
  });

  describe('404: unknown link, or a meeting that is not this link\'s', () => {
    it('for a link id that is not a UUID', async () => {
      expectProblem(await create('not-a-uuid'), 404, 'LINK_NOT_FOUND', /"not-a-uuid" is not a link id/);
    });

    it('for a well-formed link that does not exist', async () => {
      expectProblem(await create(crypto.randomUUID()), 404, 'LINK_NOT_FOUND', /no installed link/);
    });

    it('for a link whose install did not finish, or that was removed', async () => {
      for (const status of ['pending', 'removed'] as const) {
        const id = await deployment.link(status);
        expectProblem(await create(id), 404, 'LINK_NOT_FOUND');
      }
    });

    it('for a link of another vendor', async () => {
      const id = await deployment.link('active', { vendor: 'zoom' });
      expectProblem(await create(id), 404, 'LINK_NOT_FOUND');
    });

    it('for another link\'s meeting, on update and on delete, and that meeting stays untouched', async () => {
      const { meeting_id: meetingId, join_url: joinUrl } = (await create()).body.data;
      const other = await deployment.link('active');
      const patch = await request(deployment.callback)
        .patch(meetingUrl(other, meetingId))
        .set('Authorization', BASIC)
        .send({ ...BODY, topic: 'Hijacked' });
      expectProblem(patch, 404, 'MEETING_NOT_FOUND', /no meeting/);
      const del = await request(deployment.callback).delete(meetingUrl(other, meetingId)).set('Authorization', BASIC);
      expectProblem(del, 404, 'MEETING_NOT_FOUND');
      const page = await request(deployment.callback).get(new URL(joinUrl).pathname);
      expect(page.status).to.equal(200);
      expect(page.text).to.contain('Quarterly review').and.not.contain('Hijacked');
    });

    it('for an unknown or malformed meeting id', async () => {
      const unknown = await request(deployment.callback)
        .delete(meetingUrl(linkId, 'AAAAAAAAAAAAAAAAAAAAAA'))
        .set('Authorization', BASIC);
      expectProblem(unknown, 404, 'MEETING_NOT_FOUND');
      const malformed = await request(deployment.callback).delete(meetingUrl(linkId, 'x')).set('Authorization', BASIC);
      expectProblem(malformed, 404, 'MEETING_NOT_FOUND', /is not a meeting id/);
    });

    it('for an update of a meeting the vendor no longer has, which is then recorded as deleted', async () => {
      const { meeting_id: meetingId } = (await create()).body.data;
      deployment.faults.arm('update', { kind: 'fail', error: { _tag: 'VendorMeetingGone', message: 'deleted in the vendor app' } });
      const patch = await request(deployment.callback).patch(meetingUrl(linkId, meetingId)).set('Authorization', BASIC).send(BODY);
      expectProblem(patch, 404, 'MEETING_NOT_FOUND', /no longer exists at Stub Video/);
      const del = await request(deployment.callback).delete(meetingUrl(linkId, meetingId)).set('Authorization', BASIC);
      expect(del.status).to.equal(204);
    });
  });

  describe('409: a link that must be re-authorized with its vendor', () => {
    it('for a link already flagged', async () => {
      const id = await deployment.link('needs_reauth');
      expectProblem(await create(id), 409, 'LINK_NEEDS_REAUTHORIZATION', /install/);
    });

    it('when the vendor revokes the grant, and from then on without asking the vendor', async () => {
      deployment.faults.arm('create', { kind: 'fail', error: { _tag: 'VendorAuthorizationRevoked', message: 'invalid_grant' } });
      expectProblem(await create(), 409, 'LINK_NEEDS_REAUTHORIZATION');
      expectProblem(await create(), 409, 'LINK_NEEDS_REAUTHORIZATION');
    });
  });

  describe('413: body too large', () => {
    it('refuses a body over the limit before parsing it', async () => {
      const response = await create(linkId, { ...BODY, padding: 'x'.repeat(20_000) });
      expectProblem(response, 413, 'PAYLOAD_TOO_LARGE', /16384 bytes/);
    });
  });

  describe('429, 502, 504: the vendor', () => {
    it('429 with Retry-After when the vendor limits us', async () => {
      deployment.faults.arm('create', {
        kind: 'fail',
        error: { _tag: 'VendorRateLimited', message: 'daily limit reached', retryAfterSeconds: 3600 },
      });
      const response = await create();
      expectProblem(response, 429, 'VENDOR_RATE_LIMITED', /daily limit/);
      expect(response.headers['retry-after']).to.equal('3600');
    });

    it('429 without Retry-After when the vendor did not say', async () => {
      deployment.faults.arm('create', { kind: 'fail', error: { _tag: 'VendorRateLimited', message: 'slow down' } });
      const response = await create();
      expectProblem(response, 429, 'VENDOR_RATE_LIMITED');
      expect(response.headers['retry-after']).to.equal(undefined);
    });

    it('502 when the vendor refuses or fails, on each endpoint', async () => {
      const { meeting_id: meetingId } = (await create()).body.data;
      deployment.faults.arm('create', { kind: 'fail', error: { _tag: 'VendorRejected', message: 'topic too long' } });
      expectProblem(await create(linkId, { ...BODY, topic: 'Another activity' }), 502, 'VENDOR_REJECTED', /topic too long/);
      deployment.faults.arm('update', { kind: 'fail', error: { _tag: 'VendorUnavailable', message: 'HTTP 503' } });
      const patch = await request(deployment.callback).patch(meetingUrl(linkId, meetingId)).set('Authorization', BASIC).send(BODY);
      expectProblem(patch, 502, 'VENDOR_UNAVAILABLE');
      deployment.faults.arm('delete', { kind: 'fail', error: { _tag: 'VendorUnavailable', message: 'HTTP 500' } });
      const del = await request(deployment.callback).delete(meetingUrl(linkId, meetingId)).set('Authorization', BASIC);
      expectProblem(del, 502, 'VENDOR_UNAVAILABLE');
    });

    it('504 when the vendor does not answer within the request budget', async () => {
      const slow = await testDeployment({ REQUEST_TIMEOUT_MS: '200' });
      try {
        const id = await slow.link('active');
        slow.faults.arm('create', { kind: 'hang' });
        const started = Date.now();
        const response = await request(slow.callback).post(meetingsOf(id)).set('Authorization', BASIC).send(BODY);
        expectProblem(response, 504, 'VENDOR_TIMEOUT');
        expect(Date.now() - started).to.be.below(2_000);
      } finally {
        await slow.close();
      }
    });
  });

  describe('503: the store is unavailable', () => {
    it('answers 503 JSON quickly on every endpoint, and /readyz says so', async function () {
      this.timeout(15_000);
      const down = await testDeployment({
        MONGODB_URI: 'mongodb://127.0.0.1:1/?directConnection=true&serverSelectionTimeoutMS=300&connectTimeoutMS=300',
      });
      try {
        const id = crypto.randomUUID();
        const started = Date.now();
        expectProblem(await request(down.callback).post(meetingsOf(id)).set('Authorization', BASIC).send(BODY), 503, 'STORE_UNAVAILABLE');
        const patch = await request(down.callback).patch(meetingUrl(id, 'AAAAAAAAAAAAAAAAAAAAAA')).set('Authorization', BASIC).send(BODY);
        expectProblem(patch, 503, 'STORE_UNAVAILABLE');
        const del = await request(down.callback).delete(meetingUrl(id, 'AAAAAAAAAAAAAAAAAAAAAA')).set('Authorization', BASIC);
        expectProblem(del, 503, 'STORE_UNAVAILABLE');
        expect(del.headers['retry-after']).to.equal('5');
        expect(Date.now() - started).to.be.below(5_000);
        const ready = await request(down.callback).get('/readyz');
        expect(ready.status).to.equal(503);
      } finally {
        await down.close();
      }
    });
  });

  describe('never HTML, never a stack trace', () => {
    it('answers JSON for an unknown route and for a method the path does not allow', async () => {
      expectProblem(await request(deployment.callback).get('/nope'), 404, 'NOT_FOUND', /GET \/nope/);
      const wrongMethod = await request(deployment.callback).get(meetingsOf(linkId)).set('Authorization', BASIC);
      expectProblem(wrongMethod, 405, 'METHOD_NOT_ALLOWED');
    });

    it('turns an unexpected throw into a 500 JSON answer with a reference', async () => {
      // A vendor answering a non-error breaks the port's promise: a defect, which must still not leak.
      deployment.faults.arm('create', { kind: 'fail', error: null as never });
      const response = await create();
      expectProblem(response, 500, 'INTERNAL_ERROR', /reference [0-9a-f-]{36}/);
      expect(response.body.error.message).to.contain(response.headers['x-request-id']);
    });
  });
});
