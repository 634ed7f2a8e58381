import { expect } from 'chai';
import type { Browser } from 'playwright-core';

import { expectOurPage, launchChromium, navigate, openTab, screenshot, type Tab } from './support/browser.js';
import { type BrowserDeployment, CLIENT, reservePort, startDeployment } from './support/deployment.js';
import { dailyFake, type Loopback, type PipedriveFake, pipedriveFake } from './support/fakes.js';

/**
 * The install of a vendor whose users paste an account key (Daily without a deployment key), in a
 * real Chromium: Pipedrive's consent on a loopback fake, then our key form, filled in and submitted
 * the way a person does it, against a loopback Daily that accepts one key.
 */

const GOOD_KEY = 'daily-good-key-0123456789';
const COMPANY = 8001;
let nextUser = 200;

describe('browser: installing Daily with a pasted API key (Chromium, loopback Pipedrive and Daily)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let pipedrive: PipedriveFake;
  let daily: Loopback & { readonly checkedKeys: string[] };
  let service: BrowserDeployment;
  let tab: Tab | undefined;

  before(async () => {
    const at = await reservePort();
    pipedrive = await pipedriveFake({ ...CLIENT, callbackUrl: `${at.baseUrl}/oauth/callback` });
    daily = await dailyFake(GOOD_KEY);
    service = await startDeployment(at, { VIDEO_VENDOR: 'daily', PIPEDRIVE_OAUTH_URL: pipedrive.url, DAILY_API_URL: daily.url });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await service?.stop();
    await daily?.close();
    await pipedrive?.close();
  });
  beforeEach(() => {
    nextUser += 1;
    pipedrive.user = { id: nextUser, companyId: COMPANY };
  });
  afterEach(async () => {
    await tab?.close();
    tab = undefined;
  });

  const atKeyForm = (url: URL): boolean => url.origin === service.baseUrl && url.pathname === '/oauth/vendor/key';

  async function toKeyForm(current: Tab): Promise<void> {
    await navigate(current, () => current.page.goto(`${service.baseUrl}/oauth/install`), (url) => url.origin === pipedrive.url);
    await navigate(current, () => current.page.click('#allow'), atKeyForm);
  }

  /** Types into the field found by its label (as assistive technology finds it) and submits. */
  async function submitKey(current: Tab, key: string): Promise<void> {
    await current.page.getByLabel('Daily API key').fill(key);
    await navigate(current, () => current.page.getByRole('button', { name: 'Connect Daily' }).click(), atKeyForm);
  }

  it('a missing key, then a wrong one, then the right one: field errors, then "connected", then on to Pipedrive', async () => {
    tab = await openTab(browser);
    const { page } = tab;
    await toKeyForm(tab);
    await expectOurPage(tab, 'key-form', { status: 200, heading: 'Connect your Daily account' });
    expect(await page.getByLabel('Daily API key').getAttribute('type')).to.equal('password');
    expect(await page.getByLabel('Daily API key').getAttribute('aria-invalid')).to.equal(null);

    await submitKey(tab, '');
    await expectOurPage(tab, 'key-form-missing', { status: 400, heading: 'Connect your Daily account' });
    await expectFieldError(tab, 'Enter your Daily API key.');
    expect(daily.checkedKeys, 'an empty key is not sent to Daily').to.deep.equal([]);

    await submitKey(tab, 'daily-wrong-key');
    await expectOurPage(tab, 'key-form-refused', { status: 400, heading: 'Connect your Daily account' });
    await expectFieldError(tab, 'Daily did not accept this key.');
    expect(daily.checkedKeys).to.deep.equal(['daily-wrong-key']);
    expect((await service.linkOf(COMPANY, nextUser))?.status).to.equal('pending');

    await page.getByLabel('Daily API key').fill(GOOD_KEY);
    await navigate(tab, () => page.getByRole('button', { name: 'Connect Daily' }).click(), atKeyForm);
    await expectOurPage(tab, 'key-install-complete', { status: 200, heading: 'Daily is connected to Pipedrive' });
    const link = await service.linkOf(COMPANY, nextUser);
    expect(link?.status).to.equal('active');
    expect(pipedrive.registrations.at(-1)).to.include({ user_provider_id: link?.linkId, user_id: nextUser });
    expect(await page.content(), 'the key is never shown back').not.to.contain(GOOD_KEY);

    const landed = await navigate(tab, () => page.getByRole('link', { name: 'Continue to Pipedrive' }).click(), (url) => url.href === pipedrive.installedUrl);
    expect(landed.status()).to.equal(200);
  });

  it('works with JavaScript turned off: the same install, form posts and links only', async () => {
    tab = await openTab(browser, { javaScript: false });
    await toKeyForm(tab);
    await submitKey(tab, 'daily-wrong-key');
    expect(await tab.page.locator('#key-error').textContent()).to.contain('Daily did not accept this key.');
    await submitKey(tab, GOOD_KEY);
    expect(await tab.page.locator('h1').textContent()).to.equal('Daily is connected to Pipedrive');
    await navigate(tab, () => tab!.page.getByRole('link', { name: 'Continue to Pipedrive' }).click(), (url) => url.href === pipedrive.installedUrl);
    expect((await service.linkOf(COMPANY, nextUser))?.status).to.equal('active');
    await screenshot(tab, 'key-install-without-javascript');
  });
});

/**
 * The error is at the field: announced (role=alert), tied to the input by aria-describedby, the
 * input marked invalid, and the title says "Error:" so it is heard first.
 */
async function expectFieldError(tab: Tab, message: string): Promise<void> {
  const { page } = tab;
  const error = page.locator('#key-error');
  expect(await error.getAttribute('role')).to.equal('alert');
  expect(await error.textContent()).to.contain(message);
  const input = page.getByLabel('Daily API key');
  expect(await input.getAttribute('aria-invalid')).to.equal('true');
  expect((await input.getAttribute('aria-describedby'))?.split(' ')).to.include('key-error');
  expect(await page.title()).to.match(/^Error: /);
  expect(await input.inputValue(), 'a refused key is not put back in the field').to.equal('');
}
