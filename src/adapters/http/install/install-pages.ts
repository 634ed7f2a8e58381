import type { InstallError } from '../../../application/install/errors.js';
import { actionLink, html, page, type PageTone, referenceLine, type SafeHtml } from '../html.js';

/** A page for a person in a browser, and the status it is sent with. */
export interface InstallPage {
  readonly status: number;
  readonly title: string;
  readonly tone: PageTone;
  readonly body: SafeHtml;
}

/** Where a person starts (or restarts) an install: our Installation URL, which sends them to Pipedrive. */
export const INSTALL_PATH = '/oauth/install';

const startAgain = (label: string): SafeHtml => html`${actionLink(INSTALL_PATH, label)}
<p class="note">This opens Pipedrive to allow access again; where you already allowed it, it takes a moment. You can
also start from the app's page in the Pipedrive Marketplace.</p>`;

/**
 * What each install failure tells the person who hit it: what went wrong, what to do about it (a
 * link that starts the install again where that helps), and a reference that matches our log line.
 * Exhaustive over `InstallError`.
 */
export function installFailurePage(error: InstallError, vendorName: string, reference: string): InstallPage {
  const ref = referenceLine(reference);
  switch (error._tag) {
    case 'OAuthStateInvalid':
      return {
        status: 400,
        title: 'Installation link no longer valid',
        tone: 'problem',
        body: html`<h1>This installation link is no longer valid</h1>
<p>It expired, was already used, or did not come from us (${error.reason.replace('_', ' ')}). Nothing was changed.</p>
${startAgain('Start the installation again')}${ref}`,
      };
    case 'InstallDenied':
      return error.at === 'vendor'
        ? {
            // The Pipedrive half is done; the vendor half is what is missing.
            status: 200,
            title: `Connect ${vendorName} to finish`,
            tone: 'info',
            body: html`<h1>${vendorName} is not connected yet</h1>
<p>You did not allow access at ${vendorName}, so the app cannot create video calls for you, and it is not active in
Pipedrive. Nothing from ${vendorName} was stored.</p>
<p>To use the app, connect your ${vendorName} account and allow access when ${vendorName} asks.</p>
${startAgain(`Connect ${vendorName}`)}`,
          }
        : {
            status: 200,
            title: 'Installation cancelled',
            tone: 'info',
            body: html`<h1>Installation cancelled</h1>
<p>You did not allow access in Pipedrive, so nothing was installed and nothing was stored. You can close this
page.</p>
${startAgain('Install the app')}`,
          };
    case 'InstallCodeMissing':
      return {
        status: 400,
        title: 'Installation incomplete',
        tone: 'problem',
        body: html`<h1>The installation did not come back complete</h1>
<p>The authorization code is missing from the address, so nothing was installed.</p>
${startAgain('Start the installation again')}${ref}`,
      };
    case 'PipedriveStepFailed': {
      const expired = error.error._tag === 'PipedriveInvalidGrant';
      return {
        status: expired ? 400 : 502,
        title: 'Installation failed',
        tone: 'problem',
        body: html`<h1>Pipedrive did not complete the installation</h1>
<p>${pipedriveStepText(error.step)} ${
          expired
            ? 'The authorization was already used or has expired.'
            : error.error._tag === 'PipedriveTimeout'
              ? 'Pipedrive did not answer in time.'
              : 'Pipedrive answered with an error.'
        } Nothing was activated.</p>
${startAgain(expired ? 'Start the installation again' : 'Try the installation again')}${ref}`,
      };
    }
    case 'VendorStepFailed':
      return {
        status: error.error._tag === 'VendorTimeout' ? 504 : 502,
        title: `Connecting ${vendorName} failed`,
        tone: 'problem',
        body: html`<h1>${vendorName} did not complete the connection</h1>
<p>We could not finish connecting your ${vendorName} account: ${
          error.error._tag === 'VendorTimeout' ? `${vendorName} did not answer in time` : `${vendorName} answered with an error`
        }. Nothing was activated.</p>
${startAgain(`Connect ${vendorName} again`)}${ref}`,
      };
    case 'VendorKeyInvalid':
      // The router shows the key form again instead; this page is for a caller without one.
      return {
        status: 400,
        title: `${vendorName} key not accepted`,
        tone: 'problem',
        body: html`<h1>The ${vendorName} key was not accepted</h1>
<p>${error.reason === 'missing' ? 'No key was entered.' : `${vendorName} refused the key.`}</p>
${startAgain('Start the installation again')}${ref}`,
      };
    case 'InstallLinkMissing':
    case 'InstallMustRestart':
      return {
        status: 409,
        title: 'Reconnect the app',
        tone: 'problem',
        body: html`<h1>The app needs to be authorized again</h1>
<p>The app was uninstalled, or its access to Pipedrive withdrawn, while you were installing, so this installation
cannot be finished. Nothing was activated.</p>
<p>Reconnecting installs the app again: Pipedrive asks you to allow access, then ${vendorName} does.</p>
${startAgain('Reconnect')}${ref}`,
      };
    case 'StoreUnavailable':
    case 'SecretUnreadable':
      return {
        status: 503,
        title: 'Try again shortly',
        tone: 'problem',
        body: html`<h1>We cannot finish the installation right now</h1>
<p>Our service is having trouble with its storage. Nothing was activated. Try again in a few minutes.</p>
${startAgain('Try the installation again')}${ref}`,
      };
  }
}

function pipedriveStepText(step: 'token' | 'identity' | 'registration'): string {
  switch (step) {
    case 'token':
      return 'We could not obtain access from Pipedrive.';
    case 'identity':
      return 'We could not read your Pipedrive user.';
    case 'registration':
      return 'We could not register the video calling connection with Pipedrive.';
  }
}

/**
 * The install is complete and the link active: what happens next, and the way on to Pipedrive,
 * which confirms the installation on its own page (`continueTo`, from the registration).
 */
export function installedPage(vendorName: string, continueTo: string): InstallPage {
  const web = /^https?:\/\//i.test(continueTo);
  return {
    status: 200,
    title: `${vendorName} is connected`,
    tone: 'success',
    body: html`<h1>${vendorName} is connected to Pipedrive</h1>
<p>The installation is complete: video calls you add in Pipedrive are now created in ${vendorName}.</p>
<h2>What happens next</h2>
<ol>
<li>Continue to Pipedrive, which confirms the installation and lets you choose your preferences.</li>
<li>In an activity, add a video call and choose ${vendorName}: Pipedrive shows its join link to everyone invited.</li>
<li>When you move or delete the activity, the ${vendorName} meeting moves or is cancelled with it.</li>
</ol>
${web ? actionLink(continueTo, 'Continue to Pipedrive') : html`<p>You can close this page and return to Pipedrive.</p>`}`,
  };
}

/**
 * The body of a redirect, for the rare browser that shows it instead of following `Location`
 * (HTTP recommends a short note with a link to the target).
 */
export function redirectPage(target: string): string {
  return page(
    'Continuing',
    html`<h1>Continuing…</h1>
<p>Your browser should open the next step by itself. If it does not, <a href="${target}">continue here</a>.</p>`,
  );
}

export function renderInstallPage(view: InstallPage): string {
  return page(view.title, view.body, { tone: view.tone });
}
