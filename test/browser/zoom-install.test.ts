import { expect } from 'chai';
import type { Browser } from 'playwright-core';

import { expectOurPage, launchChromium, navigate, openTab, screenshot, type Tab } from './support/browser.js';
import { type BrowserDeployment, CLIENT, reservePort, startDeployment } from './support/deployment.js';
import { type PipedriveFake, pipedriveFake, type ZoomFake, zoomFake } from './support/fakes.js';
import { BASIC } from '../support/service.js';

/**
 * The Zoom install as a person goes through it: a real Chromium follows our redirects to loopback
 * fakes of Pipedrive's and Zoom's consent screens and back, against the service started by the
 * production composition root. Each of our pages on the way is checked for its headers, its
 * accessibility (axe-core) and its way forward, and photographed into test-artifacts/browser/.
 */

const ZOOM_APP = { id: 'zoom-client', secret: 'zoom-secret' };
const COMPANY = 7001;
let nextUser = 100;

/** Where a URL is, without its query: `origin + path`. */
const place = (href: string): string => {
  const url = new URL(href);
  return `${url.origin}${url.pathname}`;
};

describe('browser: installing the Zoom app (Chromium, loopback Pipedrive and Zoom)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let pipedrive: PipedriveFake;
  let zoom: ZoomFake;
  let service: BrowserDeployment;
  let tab: Tab;

  before(async () => {
    const at = await reservePort();
    pipedrive = await pipedriveFake({ ...CLIENT, callbackUrl: `${at.baseUrl}/oauth/callback` });
    zoom = await zoomFake({ ...ZOOM_APP, callbackUrl: `${at.baseUrl}/oauth/vendor/callback` });
    service = await startDeployment(at, {
      VIDEO_VENDOR: 'zoom',
      PIPEDRIVE_OAUTH_URL: pipedrive.url,
      ZOOM_CLIENT_ID: ZOOM_APP.id,
      ZOOM_CLIENT_SECRET: ZOOM_APP.secret,
      ZOOM_WEBHOOK_SECRET_TOKEN: 'zoom-webhook-secret',
      ZOOM_OAUTH_URL: zoom.url,
      ZOOM_API_URL: `${zoom.url}/v2`,
    });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await service?.stop();
    await zoom?.close();
    await pipedrive?.close();
  });
  beforeEach(async () => {
    nextUser += 1;
    pipedrive.user = { id: nextUser, companyId: COMPANY };
    pipedrive.mode = 'ok';
    zoom.mode = 'ok';
    tab = await openTab(browser);
  });
  afterEach(async () => {
    await tab.close();
  });

  const atPipedriveConsent = (url: URL): boolean => url.origin === pipedrive.url && url.pathname === '/oauth/authorize';
  const atZoomConsent = (url: URL): boolean => url.origin === zoom.url && url.pathname === '/oauth/authorize';
  const atOurs = (path: string) => (url: URL) => url.origin === service.baseUrl && url.pathname === path;

  /** From our Installation URL to Pipedrive's consent screen, which must have been opened for us. */
  async function startInstall(): Promise<void> {
    await navigate(tab, () => tab.page.goto(`${service.baseUrl}/oauth/install`), atPipedriveConsent);
    const asked = pipedrive.authorizations.at(-1);
    expect(asked?.get('client_id')).to.equal(CLIENT.id);
    expect(asked?.get('redirect_uri')).to.equal(`${service.baseUrl}/oauth/callback`);
    expect(asked?.get('state')).to.match(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  }

  /** The reference a failure page shows must be the request id of its answer and of its log line. */
  function expectReferenceLogged(reference: string, failure: string): void {
    expect(reference).to.match(/^[0-9a-f-]{36}$/);
    expect(tab.lastDocument()?.headers()['x-request-id']).to.equal(reference);
    const logged = service.logs().find((line) => line['msg'] === 'install step failed' && line['requestId'] === reference);
    expect(logged, `a log line 'install step failed' with requestId ${reference}`).to.include({ failure });
  }

  const referenceOnPage = async (): Promise<string> => (await tab.page.locator('.reference code').textContent()) ?? '';

  it('a full install: Installation URL → Pipedrive consent → Zoom consent → Pipedrive, and the link is active', async () => {
    await startInstall();
    await navigate(tab, () => tab.page.click('#allow'), atZoomConsent);
    const zoomAsked = zoom.authorizations.at(-1);
    expect(zoomAsked?.get('client_id')).to.equal(ZOOM_APP.id);
    expect(zoomAsked?.get('redirect_uri')).to.equal(`${service.baseUrl}/oauth/vendor/callback`);

    const landed = await navigate(tab, () => tab.page.click('#allow'), (url) => url.href === pipedrive.installedUrl);
    expect(landed.status()).to.equal(200);
    expect(tab.visited.map(place)).to.deep.equal([
      `${service.baseUrl}/oauth/install`,
      `${pipedrive.url}/oauth/authorize`,
      `${service.baseUrl}/oauth/callback`,
      `${zoom.url}/oauth/authorize`,
      `${service.baseUrl}/oauth/vendor/callback`,
      pipedrive.installedUrl,
    ]);

    const link = await service.linkOf(COMPANY, nextUser);
    expect(link?.status).to.equal('active');
    expect(link?.vendorGrant?.vendorUserId).to.equal('zoom-user-1');
    expect(pipedrive.registrations.at(-1)).to.deep.equal({
      user_provider_id: link?.linkId,
      user_id: nextUser,
      company_id: COMPANY,
      marketplace_client_id: CLIENT.id,
    });
    expect(tab.problems).to.deep.equal([]);
    await screenshot(tab, 'zoom-install-complete');
  });

  it('consent denied in Pipedrive: a page that says nothing was installed, with the way to start again', async () => {
    await startInstall();
    await navigate(tab, () => tab.page.click('#deny'), atOurs('/oauth/callback'));
    await expectOurPage(tab, 'install-denied-in-pipedrive', { status: 200, heading: 'Installation cancelled' });
    expect(await service.linkOf(COMPANY, nextUser)).to.equal(undefined);
    expect(pipedrive.registrations.map((r) => r['user_id'])).not.to.include(nextUser);

    await navigate(tab, () => tab.page.getByRole('link', { name: 'Install the app' }).click(), atPipedriveConsent);
  });

  it('consent denied at Zoom: "connection needed", and its Connect button completes the install', async () => {
    await startInstall();
    await navigate(tab, () => tab.page.click('#allow'), atZoomConsent);
    await navigate(tab, () => tab.page.click('#deny'), atOurs('/oauth/vendor/callback'));
    await expectOurPage(tab, 'zoom-connection-needed', { status: 200, heading: 'Zoom is not connected yet' });
    expect((await service.linkOf(COMPANY, nextUser))?.status).to.equal('pending');

    await navigate(tab, () => tab.page.getByRole('link', { name: 'Connect Zoom' }).click(), atPipedriveConsent);
    await navigate(tab, () => tab.page.click('#allow'), atZoomConsent);
    await navigate(tab, () => tab.page.click('#allow'), (url) => url.href === pipedrive.installedUrl);
    expect((await service.linkOf(COMPANY, nextUser))?.status).to.equal('active');
  });

  it('Zoom fails the code exchange: "connection failed", with a reference that is the log line’s request id', async () => {
    zoom.mode = 'token-down';
    await startInstall();
    await navigate(tab, () => tab.page.click('#allow'), atZoomConsent);
    await navigate(tab, () => tab.page.click('#allow'), atOurs('/oauth/vendor/callback'));
    await expectOurPage(tab, 'zoom-connection-failed', { status: 502, heading: 'Zoom did not complete the connection' });
    expectReferenceLogged(await referenceOnPage(), 'VendorStepFailed');
    expect((await service.linkOf(COMPANY, nextUser))?.status).to.equal('pending');
    await navigate(tab, () => tab.page.getByRole('link', { name: 'Connect Zoom again' }).click(), atPipedriveConsent);
  });

  it('Pipedrive fails the code exchange: "installation failed", with a reference that is the log line’s request id', async () => {
    pipedrive.mode = 'token-down';
    await startInstall();
    await navigate(tab, () => tab.page.click('#allow'), atOurs('/oauth/callback'));
    await expectOurPage(tab, 'install-failed-at-pipedrive', { status: 502, heading: 'Pipedrive did not complete the installation' });
    expectReferenceLogged(await referenceOnPage(), 'PipedriveStepFailed');
    expect(await service.linkOf(COMPANY, nextUser)).to.equal(undefined);
  });

  it('uninstalled while at Zoom’s consent: "authorize again", and Reconnect starts a new install', async () => {
    await startInstall();
    await navigate(tab, () => tab.page.click('#allow'), atZoomConsent);
    // Pipedrive's uninstall call arrives while the person is still on Zoom's screen.
    const uninstall = await fetch(`${service.baseUrl}/oauth/callback`, {
      method: 'DELETE',
      headers: { authorization: BASIC, 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: CLIENT.id, company_id: COMPANY, user_id: nextUser, timestamp: new Date().toISOString() }),
    });
    expect(uninstall.status).to.equal(200);
    const exchangesBefore = zoom.exchanges.length;

    await navigate(tab, () => tab.page.click('#allow'), atOurs('/oauth/vendor/callback'));
    await expectOurPage(tab, 'install-needs-reauthorization', { status: 409, heading: 'The app needs to be authorized again' });
    expect(zoom.exchanges.length, 'no Zoom code exchange for a removed link').to.equal(exchangesBefore);
    expectReferenceLogged(await referenceOnPage(), 'InstallLinkMissing');

    await navigate(tab, () => tab.page.getByRole('link', { name: 'Reconnect' }).click(), atPipedriveConsent);
    await navigate(tab, () => tab.page.click('#allow'), atZoomConsent);
    await navigate(tab, () => tab.page.click('#allow'), (url) => url.href === pipedrive.installedUrl);
    expect((await service.linkOf(COMPANY, nextUser))?.status).to.equal('active');
  });
});
