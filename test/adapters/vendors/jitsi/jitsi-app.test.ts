import { generateKeyPairSync, type KeyObject } from 'node:crypto';

import { expect } from 'chai';
import { decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import request from 'supertest';

import { Clock } from '../../../../src/application/ports/clock.js';
import type { LinkId } from '../../../../src/domain/ids.js';
import { expectRight, expectSome } from '../../../support/either.js';
import { BASIC, testDeployment, type TestDeployment } from '../../../support/service.js';
import { aVendorId } from '../../../support/fixtures.js';

/**
 * Jitsi through the whole app: the composition root, the reverse API, the store and the `/j/<room>`
 * join route. The route reads the deployment's own Clock; the test replaces that instance's `now`
 * (the container holds one `Clock` for everything), so windows are checked at exact instants.
 */

const PUBLIC_BASE_URL = 'https://video.test';
const TOPIC = 'Café Überraschung! Q4 review';
const BODY = { topic: TOPIC, start_time: '2026-12-01 15:00', duration: 45 };
const START = Date.parse('2026-12-01T15:00:00Z');
const MINUTE = 60_000;
const SEC = (ms: number): number => ms / 1000;
/** Default window: 15 minutes before the start to 60 minutes after the end. */
const OPENS = START - 15 * MINUTE;
const CLOSES = START + (45 + 60) * MINUTE;

const APP_ID = 'vpaas-magic-cookie-0123456789abcdef';
const KEY_ID = `${APP_ID}/4f4910`;
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PRIVATE_PEM = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const JAAS_ENV = {
  VIDEO_VENDOR: 'jitsi',
  JITSI_MODE: 'jaas',
  JAAS_APP_ID: APP_ID,
  JAAS_API_KEY_ID: KEY_ID,
  // As a one-line environment value with `\n` escapes.
  JAAS_PRIVATE_KEY: PRIVATE_PEM.trim().replace(/\n/g, '\\n'),
};

const SELF_SECRET = 'prosody-app-secret-0123456789';
const SELF_ENV = {
  VIDEO_VENDOR: 'jitsi',
  JITSI_MODE: 'selfhosted',
  JITSI_BASE_URL: 'https://meet.example.com',
  JITSI_APP_ID: 'pipedrive-video',
  JITSI_APP_SECRET: SELF_SECRET,
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ROOM = /^cafe-uberraschung-q4-rev-[a-z2-7]{16}$/;

interface Jitsi {
  readonly deployment: TestDeployment;
  readonly linkId: LinkId;
  /** Sets the deployment's clock. */
  at(instant: number): void;
  create(body?: object): Promise<{ meetingId: string; joinUrl: string; room: string; data: Record<string, unknown> }>;
  open(joinUrl: string): Promise<request.Response>;
}

async function jitsi(env: Record<string, string>): Promise<Jitsi> {
  const deployment = await testDeployment(env);
  const linkId = await deployment.link('active');
  const clock = deployment.container.get<Clock>(Clock);
  return {
    deployment,
    linkId,
    at(instant) {
      clock.now = () => new Date(instant);
    },
    async create(body = BODY) {
      const response = await request(deployment.callback)
        .post(`/api/v1/links/${linkId}/meetings`)
        .set('Authorization', BASIC)
        .send(body);
      expect(response.status, JSON.stringify(response.body)).to.equal(201);
      const data = response.body.data as Record<string, unknown>;
      const joinUrl = String(data['join_url']);
      return { meetingId: String(data['meeting_id']), joinUrl, room: joinUrl.split('/').pop() ?? '', data };
    },
    open(joinUrl) {
      expect(joinUrl.startsWith(`${PUBLIC_BASE_URL}/j/`), joinUrl).to.be.true;
      return request(deployment.callback).get(new URL(joinUrl).pathname);
    },
  };
}

/** The redirect's room URL (without the token) and the token. */
function redirected(response: request.Response): { room: string; jwt: string } {
  expect(response.status, response.text).to.equal(302);
  expect(response.headers['cache-control']).to.equal('no-store');
  const location = new URL(String(response.headers['location']));
  const jwt = location.searchParams.get('jwt') ?? '';
  expect([...location.searchParams.keys()]).to.deep.equal(['jwt']);
  return { room: `${location.origin}${location.pathname}`, jwt };
}

async function verifyJaas(jwt: string, at: number, publicKey: KeyObject = keys.publicKey): Promise<JWTPayload> {
  const { payload, protectedHeader } = await jwtVerify(jwt, publicKey, { algorithms: ['RS256'], currentDate: new Date(at) });
  expect(protectedHeader).to.deep.equal({ alg: 'RS256', kid: KEY_ID, typ: 'JWT' });
  return payload;
}

async function verifySelfhosted(jwt: string, at: number): Promise<JWTPayload> {
  const { payload, protectedHeader } = await jwtVerify(jwt, new TextEncoder().encode(SELF_SECRET), {
    algorithms: ['HS256'],
    currentDate: new Date(at),
  });
  expect(protectedHeader).to.deep.equal({ alg: 'HS256', typ: 'JWT' });
  return payload;
}

function pageStatus(response: request.Response, status: number, ...mentions: string[]): void {
  expect(response.status).to.equal(status);
  expect(response.headers['content-type']).to.match(/^text\/html/);
  expect(response.headers['location']).to.equal(undefined);
  for (const text of mentions) expect(response.text).to.contain(text);
}

describe('Jitsi through the whole app', () => {
  let subject: Jitsi | undefined;
  afterEach(async () => {
    await subject?.deployment.close();
    subject = undefined;
  });

  describe('jaas mode', () => {
    it('creates a meeting whose join link is ours, with no password and the default invitation', async () => {
      subject = await jitsi(JAAS_ENV);
      const { meetingId, joinUrl, room, data } = await subject.create();

      expect(room).to.match(ROOM);
      expect(joinUrl).to.equal(`${PUBLIC_BASE_URL}/j/${room}`);
      expect(data).to.have.all.keys('meeting_id', 'join_url', 'invitation');
      expect(data['invitation'])
        .to.contain('Jitsi Meet')
        .and.contain(TOPIC)
        .and.contain('2026-12-01 15:00 UTC')
        .and.contain('45 minutes')
        .and.contain(joinUrl);
      const stored = expectSome(expectRight(await subject.deployment.meetings.findByVendorRef(aVendorId('jitsi'), room)()));
      expect(stored.meetingId).to.equal(meetingId);
    });

    it('opening the link in the window redirects to 8x8.vc/<AppID>/<room> with a fresh RS256 token, every claim checked', async () => {
      subject = await jitsi(JAAS_ENV);
      const { joinUrl, room } = await subject.create();
      subject.at(START - 5 * MINUTE);

      const target = redirected(await subject.open(joinUrl));

      expect(target.room).to.equal(`https://8x8.vc/${APP_ID}/${room}`);
      expect(decodeProtectedHeader(target.jwt)).to.deep.equal({ alg: 'RS256', kid: KEY_ID, typ: 'JWT' });
      const payload = await verifyJaas(target.jwt, START);
      const user = (payload['context'] as { user: { id: string } }).user;
      expect(user.id).to.match(UUID);
      expect(payload).to.deep.equal({
        aud: 'jitsi',
        iss: 'chat',
        sub: APP_ID,
        room,
        nbf: SEC(OPENS),
        exp: SEC(CLOSES),
        context: {
          user: { id: user.id, name: '', moderator: 'true' },
          features: { livestreaming: 'false', recording: 'false', transcription: 'false', 'outbound-call': 'false' },
        },
      });
    });

    it('gives each opening its own token and participant id', async () => {
      subject = await jitsi(JAAS_ENV);
      const { joinUrl } = await subject.create();
      subject.at(START);
      const first = await verifyJaas(redirected(await subject.open(joinUrl)).jwt, START);
      const second = await verifyJaas(redirected(await subject.open(joinUrl)).jwt, START);
      expect(first['context']).not.to.deep.equal(second['context']);
    });

    it('refuses a token signed by another key', async () => {
      subject = await jitsi(JAAS_ENV);
      const { joinUrl } = await subject.create();
      subject.at(START);
      const { jwt } = redirected(await subject.open(joinUrl));
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
      let refused = false;
      await verifyJaas(jwt, START, other).catch(() => (refused = true));
      expect(refused).to.be.true;
    });

    it('before the window: 403 page saying when the room opens (UTC); from its first second: redirect', async () => {
      subject = await jitsi(JAAS_ENV);
      const { joinUrl } = await subject.create();

      subject.at(OPENS - 1000);
      pageStatus(await subject.open(joinUrl), 403, 'has not opened yet', '2026-12-01 14:45 UTC', TOPIC);

      subject.at(OPENS);
      redirected(await subject.open(joinUrl));
    });

    it('after the window: 410 page saying it ended; until its last second: redirect', async () => {
      subject = await jitsi(JAAS_ENV);
      const { joinUrl } = await subject.create();

      subject.at(CLOSES - 1000);
      redirected(await subject.open(joinUrl));

      subject.at(CLOSES);
      pageStatus(await subject.open(joinUrl), 410, 'has ended', '2026-12-01 16:45 UTC');
    });

    it('a reschedule moves nbf and exp by exactly the shift, and the join link stays the same', async () => {
      subject = await jitsi(JAAS_ENV);
      const { meetingId, joinUrl, room } = await subject.create();
      subject.at(START);
      const before = await verifyJaas(redirected(await subject.open(joinUrl)).jwt, START);

      const patched = await request(subject.deployment.callback)
        .patch(`/api/v1/links/${subject.linkId}/meetings/${meetingId}`)
        .set('Authorization', BASIC)
        .send({ ...BODY, start_time: '2026-12-02 16:30' });
      expect(patched.status).to.equal(204);
      const shift = Date.parse('2026-12-02T16:30:00Z') - START;

      const stored = expectSome(expectRight(await subject.deployment.meetings.findByVendorRef(aVendorId('jitsi'), room)()));
      expect(stored.joinUrl).to.equal(joinUrl);
      // The old time is now before the new window.
      pageStatus(await subject.open(joinUrl), 403, '2026-12-02 16:15 UTC');

      subject.at(START + shift);
      const after = await verifyJaas(redirected(await subject.open(joinUrl)).jwt, START + shift);
      expect((after.nbf ?? 0) - (before.nbf ?? 0)).to.equal(SEC(shift));
      expect((after.exp ?? 0) - (before.exp ?? 0)).to.equal(SEC(shift));
      expect(after.room).to.equal(room);
    });

    it('a longer meeting moves exp only', async () => {
      subject = await jitsi(JAAS_ENV);
      const { meetingId, joinUrl } = await subject.create();
      await request(subject.deployment.callback)
        .patch(`/api/v1/links/${subject.linkId}/meetings/${meetingId}`)
        .set('Authorization', BASIC)
        .send({ ...BODY, duration: 90 })
        .expect(204);
      subject.at(START);
      const payload = await verifyJaas(redirected(await subject.open(joinUrl)).jwt, START);
      expect(payload.nbf).to.equal(SEC(OPENS));
      expect(payload.exp).to.equal(SEC(CLOSES + 45 * MINUTE));
    });

    it('after a delete the link answers 410: this meeting was cancelled', async () => {
      subject = await jitsi(JAAS_ENV);
      const { meetingId, joinUrl } = await subject.create();
      subject.at(START);
      const deleted = await request(subject.deployment.callback)
        .delete(`/api/v1/links/${subject.linkId}/meetings/${meetingId}`)
        .set('Authorization', BASIC);
      expect(deleted.status).to.equal(204);

      pageStatus(await subject.open(joinUrl), 410, 'This meeting was cancelled');
    });

    it('an unknown or malformed room is a 404 page', async () => {
      subject = await jitsi(JAAS_ENV);
      await subject.create();
      subject.at(START);
      for (const room of ['cafe-aaaaaaaaaaaaaaaa', 'aaaaaaaaaaaaaaaa', 'Not-A-Room', `${'a'.repeat(40)}-aaaaaaaaaaaaaaaa`, '%3Cscript%3E']) {
        pageStatus(await subject.open(`${PUBLIC_BASE_URL}/j/${room}`), 404, 'Meeting not found');
      }
    });

    it('escapes the topic on its pages', async () => {
      subject = await jitsi(JAAS_ENV);
      const { joinUrl } = await subject.create({ ...BODY, topic: '<script>alert(1)</script> review' });
      subject.at(START - 60 * MINUTE);
      const response = await subject.open(joinUrl);
      pageStatus(response, 403, '&lt;script&gt;alert(1)&lt;/script&gt; review');
      expect(response.text).not.to.contain('<script>');
    });

    it('JITSI_MODERATOR=none: moderator is "false"', async () => {
      subject = await jitsi({ ...JAAS_ENV, JITSI_MODERATOR: 'none' });
      const { joinUrl } = await subject.create();
      subject.at(START);
      const payload = await verifyJaas(redirected(await subject.open(joinUrl)).jwt, START);
      expect(payload['context']).to.have.nested.property('user.moderator', 'false');
    });

    it('JITSI_JOIN_EARLY_MINUTES and JITSI_JOIN_LATE_MINUTES set the window', async () => {
      subject = await jitsi({ ...JAAS_ENV, JITSI_JOIN_EARLY_MINUTES: '5', JITSI_JOIN_LATE_MINUTES: '0' });
      const { joinUrl } = await subject.create();
      subject.at(START - 6 * MINUTE);
      pageStatus(await subject.open(joinUrl), 403, '2026-12-01 14:55 UTC');
      subject.at(START);
      const payload = await verifyJaas(redirected(await subject.open(joinUrl)).jwt, START);
      expect(payload.nbf).to.equal(SEC(START - 5 * MINUTE));
      expect(payload.exp).to.equal(SEC(START + 45 * MINUTE));
    });
  });

  describe('selfhosted mode', () => {
    it('redirects to <base>/<room> with an HS256 token for Prosody, every claim checked', async () => {
      subject = await jitsi(SELF_ENV);
      const { joinUrl, room } = await subject.create();
      expect(joinUrl).to.equal(`${PUBLIC_BASE_URL}/j/${room}`);
      subject.at(START + 10 * MINUTE);

      const target = redirected(await subject.open(joinUrl));

      expect(target.room).to.equal(`https://meet.example.com/${room}`);
      const payload = await verifySelfhosted(target.jwt, START);
      const user = (payload['context'] as { user: { id: string } }).user;
      expect(user.id).to.match(UUID);
      expect(payload).to.deep.equal({
        iss: 'pipedrive-video',
        aud: 'pipedrive-video',
        sub: 'meet.example.com',
        room,
        nbf: SEC(OPENS),
        exp: SEC(CLOSES),
        moderator: true,
        context: { user: { id: user.id, name: '', affiliation: 'owner' } },
      });
    });

    it('takes JITSI_TOKEN_AUDIENCE; JITSI_MODERATOR=none gives moderator false and no owner affiliation', async () => {
      subject = await jitsi({ ...SELF_ENV, JITSI_TOKEN_AUDIENCE: 'jitsi', JITSI_MODERATOR: 'none' });
      const { joinUrl } = await subject.create();
      subject.at(START);
      const payload = await verifySelfhosted(redirected(await subject.open(joinUrl)).jwt, START);
      expect(payload.aud).to.equal('jitsi');
      expect(payload['moderator']).to.equal(false);
      expect((payload['context'] as { user: object }).user).to.have.all.keys('id', 'name');
    });
  });

  describe('public mode', () => {
    it('is the default: the join link is the meet.jit.si room itself, with no token and no password', async () => {
      subject = await jitsi({ VIDEO_VENDOR: 'jitsi' });
      const { joinUrl, room, data } = await subject.create();
      expect(room).to.match(ROOM);
      expect(joinUrl).to.equal(`https://meet.jit.si/${room}`);
      expect(joinUrl).not.to.contain('jwt');
      expect(data).to.have.all.keys('meeting_id', 'join_url', 'invitation');
    });

    it('takes JITSI_BASE_URL', async () => {
      subject = await jitsi({ VIDEO_VENDOR: 'jitsi', JITSI_MODE: 'public', JITSI_BASE_URL: 'https://jitsi.example.org/' });
      const { joinUrl, room } = await subject.create();
      expect(joinUrl).to.equal(`https://jitsi.example.org/${room}`);
    });

    it('reschedules and deletes without any remote call', async () => {
      subject = await jitsi({ VIDEO_VENDOR: 'jitsi' });
      const { meetingId } = await subject.create();
      const url = `/api/v1/links/${subject.linkId}/meetings/${meetingId}`;
      await request(subject.deployment.callback).patch(url).set('Authorization', BASIC).send(BODY).expect(204);
      await request(subject.deployment.callback).delete(url).set('Authorization', BASIC).expect(204);
    });
  });
});
