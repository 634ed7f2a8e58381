import { expect } from 'chai';
import fc from 'fast-check';

import { escapeHtml } from '../../src/adapters/http/html.js';
import type { Env } from '../../src/infrastructure/config.js';
import { BASIC } from '../support/service.js';
import { seedActiveLink } from './seed.js';
import { hostileRequest, type RouteShape, segment, validMeeting } from './generators.js';
import {
  type Answer,
  expectApiAnswer,
  expectNoPollution,
  expectPageAnswer,
  type HostileRequest,
  type HostileServer,
  isPageRequest,
  propertySettings,
  refusingPipedrive,
  send,
  startHostileServer,
} from './support.js';

/**
 * Every route the app mounts, for every vendor whose routes differ, under generated input: bodies,
 * paths, queries, headers, content types and methods. Whatever comes in, the answer is never a 5xx
 * and never a crash, carries the security headers, and is of its family:
 *
 * - JSON family (reverse API, uninstall, /healthz, /readyz, /manifest.json, /openapi.json,
 *   /webhooks/zoom, /metrics (whose 200 is Prometheus text), any
 *   unknown path or wrong method): never HTML; an error is exactly `{success:false,error:{code,message}}`.
 * - Page family (GET /oauth/install, /oauth/callback, /oauth/vendor/callback, GET/POST
 *   /oauth/vendor/key, /stub/meetings/:ref, /j/:room): a whole HTML page of our own markup (input
 *   shows up escaped or not at all), a redirect, or a JSON error for a method the page does not serve.
 */

const BODY_LIMIT = 2048;
const RUNS = 150;

interface Target {
  readonly name: string;
  readonly env: Env;
  server?: HostileServer;
  linkIds: string[];
  meetingIds: string[];
}

const TARGETS: Target[] = [
  { name: 'stub', env: {}, linkIds: [], meetingIds: [] },
  {
    name: 'zoom',
    env: { VIDEO_VENDOR: 'zoom', ZOOM_CLIENT_ID: 'zoom-client', ZOOM_CLIENT_SECRET: 'zoom-secret', ZOOM_WEBHOOK_SECRET_TOKEN: 'zoom-webhook-secret' },
    linkIds: [],
    meetingIds: [],
  },
  {
    name: 'jitsi (selfhosted, /j/:room)',
    env: { VIDEO_VENDOR: 'jitsi', JITSI_MODE: 'selfhosted', JITSI_BASE_URL: 'https://meet.video.test', JITSI_APP_ID: 'app', JITSI_APP_SECRET: 'prosody-app-secret-0123456789' },
    linkIds: [],
    meetingIds: [],
  },
  { name: 'daily (users paste a key: /oauth/vendor/key)', env: { VIDEO_VENDOR: 'daily' }, linkIds: [], meetingIds: [] },
];

function judge(req: HostileRequest, answer: Answer): void {
  const what = `${req.method} ${req.path.slice(0, 120)}`;
  if (isPageRequest(req.method, req.path)) expectPageAnswer(answer, req.method, what);
  else expectApiAnswer(answer, req.method, what);
  expectNoPollution();
}

describe('hostile input on every route, through real listening servers (fast-check)', function () {
  this.timeout(180_000);
  let pipedrive: Awaited<ReturnType<typeof refusingPipedrive>>;

  before(async () => {
    pipedrive = await refusingPipedrive();
    for (const target of TARGETS) {
      target.server = await startHostileServer({
        PIPEDRIVE_OAUTH_URL: pipedrive.url,
        ZOOM_OAUTH_URL: pipedrive.url,
        ZOOM_API_URL: pipedrive.url,
        DAILY_API_URL: pipedrive.url,
        BODY_LIMIT_BYTES: String(BODY_LIMIT),
        ...target.env,
      });
    }
    for (const target of TARGETS.filter((t) => t.name === 'stub' || t.name.startsWith('jitsi'))) {
      const linkId = await seedActiveLink(target.server!.service.container);
      target.linkIds.push(linkId);
      for (const topic of ['Seeded one', 'Seeded two', 'Seeded three']) {
        const created = await send(target.server!.port, {
          method: 'POST',
          path: `/api/v1/links/${linkId}/meetings`,
          headers: [['Host', 'video.test'], ['Authorization', BASIC], ['Content-Type', 'application/json']],
          body: Buffer.from(JSON.stringify({ topic, start_time: '2030-01-01 10:00', duration: 30 })),
        });
        expect(created.status, created.text()).to.equal(201);
        const data = (JSON.parse(created.text()) as { data: { meeting_id: string; join_url: string } }).data;
        target.meetingIds.push(data.meeting_id, new URL(data.join_url).pathname.split('/').pop()!);
      }
    }
  });

  after(async () => {
    for (const target of TARGETS) await target.server?.stop();
    await pipedrive?.close();
  });

  for (const target of TARGETS) {
    it(`${target.name}: any request to any route is answered in its family's shape, never 5xx`, async () => {
      const known = [...target.linkIds, ...target.meetingIds];
      const seg = segment(known);
      // Mostly ids that exist, so that the use cases behind the checks run too.
      const linkSeg = target.linkIds.length === 0 ? seg : fc.oneof({ arbitrary: fc.constantFrom(...target.linkIds), weight: 3 }, { arbitrary: seg, weight: 2 });
      const meetingSeg = target.meetingIds.length === 0 ? seg : fc.oneof({ arbitrary: fc.constantFrom(...target.meetingIds), weight: 3 }, { arbitrary: seg, weight: 2 });
      const routes: RouteShape[] = [
        { method: 'POST', path: linkSeg.map((l) => `/api/v1/links/${l}/meetings`), weight: 4 },
        { method: 'PATCH', path: fc.tuple(linkSeg, meetingSeg).map(([l, m]) => `/api/v1/links/${l}/meetings/${m}`), weight: 3 },
        { method: 'DELETE', path: fc.tuple(linkSeg, meetingSeg).map(([l, m]) => `/api/v1/links/${l}/meetings/${m}`), weight: 2 },
        { method: 'DELETE', path: fc.constantFrom('/oauth/callback', '/oauth/callback/', '/OAUTH/callback'), weight: 2 },
        { method: 'GET', path: fc.constantFrom('/oauth/install', '/oauth/callback', '/oauth/vendor/callback', '/oauth/vendor/key') },
        { method: 'POST', path: fc.constant('/oauth/vendor/key') },
        { method: 'GET', path: fc.constantFrom('/healthz', '/readyz', '/manifest.json', '/metrics', '/openapi.json', '/HEALTHZ', '/./healthz', '/%2e/healthz', '/oauth/../healthz') },
        { method: 'POST', path: fc.constant('/webhooks/zoom') },
        { method: 'GET', path: meetingSeg.map((s) => `/stub/meetings/${s}`) },
        { method: 'GET', path: meetingSeg.map((s) => `/j/${s}`) },
        { method: 'GET', path: fc.oneof(seg.map((s) => `/${s}`), fc.constantFrom('/', '//', '/api', '/api/v1/links', '/api/v1/links//meetings')) },
      ];
      const port = target.server!.port;
      await fc.assert(
        fc.asyncProperty(hostileRequest(routes, BODY_LIMIT), async (req) => {
          judge(req, await send(port, req));
        }),
        propertySettings(RUNS),
      );
      // Still serving after all that.
      const health = await send(port, { method: 'GET', path: '/healthz', headers: [['Host', 'video.test']] });
      expect(health.status).to.equal(200);
    });
  }

  for (const name of ['stub', 'jitsi (selfhosted, /j/:room)']) {
    it(`${name}: a meeting's page shows any topic escaped, whatever it says`, async () => {
      const target = TARGETS.find((t) => t.name === name)!;
      const port = target.server!.port;
      await fc.assert(
        fc.asyncProperty(validMeeting, async (meeting) => {
          const created = await send(port, {
            method: 'POST',
            path: `/api/v1/links/${target.linkIds[0]}/meetings`,
            headers: [['Host', 'video.test'], ['Authorization', BASIC], ['Content-Type', 'application/json']],
            body: Buffer.from(JSON.stringify(meeting)),
          });
          expect(created.status, created.text()).to.equal(201);
          const joinUrl = (JSON.parse(created.text()) as { data: { join_url: string } }).data.join_url;
          const path = new URL(joinUrl).pathname;
          const page = await send(port, { method: 'GET', path, headers: [['Host', 'video.test'], ['Accept', 'text/html']] });
          expectPageAnswer(page, 'GET', `GET ${path}`);
          if (page.status !== 302) expect(page.text()).to.contain(escapeHtml(meeting.topic));
        }),
        propertySettings(60),
      );
    });
  }
});
