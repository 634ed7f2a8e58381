import { expect } from 'chai';
import { jwtVerify } from 'jose';
import type { Browser } from 'playwright-core';

import { expectOurPage, launchChromium, navigate, openTab, type Tab } from './support/browser.js';
import { type BrowserDeployment, CLIENT, reservePort, startDeployment } from './support/deployment.js';
import { jitsiFake, type Loopback, type PipedriveFake, pipedriveFake } from './support/fakes.js';

/**
 * The pages a meeting's join link opens, in a real Chromium: Jitsi's `/j/<room>` (a redirect into
 * the room while the meeting stands, a page once it is cancelled or not open yet) and the stub's
 * meeting page. Each deployment is installed through the browser first (Pipedrive's consent on a
 * loopback fake), then meetings are made through the reverse API as Pipedrive makes them.
 */

/** A topic that would be markup if any page forgot to escape it. */
const HOSTILE_TOPIC = 'Review <img src=x alt=injected> & "plans" \'24';

/** `YYYY-MM-DD HH:mm` in UTC, `minutesFromNow` from now, for the reverse API. */
const startTime = (minutesFromNow: number): string =>
  new Date(Date.now() + minutesFromNow * 60_000).toISOString().slice(0, 16).replace('T', ' ');

interface Installed {
  readonly service: BrowserDeployment;
  readonly pipedrive: PipedriveFake;
  readonly linkId: string;
}

/** Our service for `env`, with a Pipedrive fake, and one user installed through the browser. */
async function installed(browser: Browser, env: Record<string, string>, others: Loopback[]): Promise<Installed> {
  const at = await reservePort();
  const pipedrive = await pipedriveFake({ ...CLIENT, callbackUrl: `${at.baseUrl}/oauth/callback` });
  others.push(pipedrive);
  const service = await startDeployment(at, { PIPEDRIVE_OAUTH_URL: pipedrive.url, ...env });
  others.push({ url: service.baseUrl, close: () => service.stop() });
  pipedrive.user = { id: 31, companyId: 9001 };
  const tab = await openTab(browser);
  try {
    await navigate(tab, () => tab.page.goto(`${service.baseUrl}/oauth/install`), (url) => url.origin === pipedrive.url);
    await navigate(tab, () => tab.page.click('#allow'), (url) => url.href === pipedrive.installedUrl);
  } finally {
    await tab.close();
  }
  const link = await service.linkOf(9001, 31);
  expect(link?.status).to.equal('active');
  return { service, pipedrive, linkId: link!.linkId };
}

async function createMeeting(on: Installed, body: object): Promise<{ meeting_id: string; join_url: string; password?: string }> {
  const response = await on.service.api('POST', `/api/v1/links/${on.linkId}/meetings`, body);
  expect(response.status).to.equal(201);
  return ((await response.json()) as { data: { meeting_id: string; join_url: string; password?: string } }).data;
}

async function deleteMeeting(on: Installed, meetingId: string): Promise<void> {
  const response = await on.service.api('DELETE', `/api/v1/links/${on.linkId}/meetings/${meetingId}`);
  expect(response.status).to.equal(204);
}

/** The topic is shown as the text it is: no element made of it, every character visible. */
async function expectTopicShownLiterally(tab: Tab): Promise<void> {
  expect(await tab.page.locator('main').textContent()).to.contain(HOSTILE_TOPIC);
  expect(await tab.page.locator('img').count()).to.equal(0);
}

describe('browser: meeting pages (Chromium)', function () {
  this.timeout(60_000);
  let browser: Browser;
  const servers: Loopback[] = [];
  let tab: Tab;

  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    for (const server of servers.reverse()) await server.close();
  });
  beforeEach(async () => {
    tab = await openTab(browser);
  });
  afterEach(async () => {
    await tab.close();
  });

  describe('Jitsi join links (self-hosted token mode, loopback Jitsi server)', () => {
    const SECRET = 'prosody-app-secret-for-browser-tests';
    let jitsi: Loopback;
    let on: Installed;

    before(async () => {
      jitsi = await jitsiFake();
      servers.push(jitsi);
      on = await installed(
        browser,
        { VIDEO_VENDOR: 'jitsi', JITSI_MODE: 'selfhosted', JITSI_BASE_URL: jitsi.url, JITSI_APP_ID: 'pipedrive-video', JITSI_APP_SECRET: SECRET },
        servers,
      );
    });

    it('opens the room with a token while the meeting stands; once cancelled, the same link answers 410 and says so', async () => {
      const meeting = await createMeeting(on, { topic: HOSTILE_TOPIC, start_time: startTime(5), duration: 30 });
      const joinUrl = new URL(meeting.join_url);
      expect(joinUrl.origin).to.equal(on.service.baseUrl);
      const room = joinUrl.pathname.replace(/^\/j\//, '');

      await navigate(tab, () => tab.page.goto(meeting.join_url), (url) => url.origin === jitsi.url);
      const inRoom = new URL(tab.page.url());
      expect(inRoom.pathname).to.equal(`/${room}`);
      const { payload } = await jwtVerify(inRoom.searchParams.get('jwt') ?? '', new TextEncoder().encode(SECRET), {
        issuer: 'pipedrive-video',
        audience: 'pipedrive-video',
      });
      expect(payload['room']).to.equal(room);

      await deleteMeeting(on, meeting.meeting_id);
      await navigate(tab, () => tab.page.goto(meeting.join_url), (url) => url.href === meeting.join_url);
      await expectOurPage(tab, 'jitsi-meeting-cancelled', { status: 410, heading: 'This meeting was cancelled' });
      await expectTopicShownLiterally(tab);
    });

    it('a link opened too early says when the room opens (403)', async () => {
      const meeting = await createMeeting(on, { topic: HOSTILE_TOPIC, start_time: startTime(24 * 60), duration: 30 });
      await navigate(tab, () => tab.page.goto(meeting.join_url), (url) => url.href === meeting.join_url);
      await expectOurPage(tab, 'jitsi-meeting-not-open-yet', { status: 403, heading: 'This meeting has not opened yet' });
      await expectTopicShownLiterally(tab);
    });
  });

  describe('the stub meeting page', () => {
    let on: Installed;

    before(async () => {
      on = await installed(browser, { VIDEO_VENDOR: 'stub' }, servers);
    });

    it('shows the meeting as it is now, and a 410 page once it is deleted', async () => {
      const meeting = await createMeeting(on, { topic: HOSTILE_TOPIC, start_time: '2026-12-01 15:00', duration: 45 });
      await navigate(tab, () => tab.page.goto(meeting.join_url), (url) => url.href === meeting.join_url);
      await expectOurPage(tab, 'stub-meeting', { status: 200, heading: HOSTILE_TOPIC });
      await expectTopicShownLiterally(tab);
      const details = await tab.page.locator('dl').textContent();
      expect(details).to.contain('2026-12-01 15:00 UTC').and.contain('45 minutes');
      expect(meeting.password).to.match(/^\d{6}$/);
      expect(details).to.contain(meeting.password);

      await deleteMeeting(on, meeting.meeting_id);
      await navigate(tab, () => tab.page.reload(), (url) => url.href === meeting.join_url);
      await expectOurPage(tab, 'stub-meeting-cancelled', { status: 410, heading: 'This meeting was cancelled' });
      await expectTopicShownLiterally(tab);
    });
  });
});
