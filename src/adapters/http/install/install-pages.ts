import type { InstallError } from '../../../application/install/errors.js';
import { html, page, type SafeHtml } from '../html.js';

/** A page for a person in a browser, and the status it is sent with. */
export interface InstallPage {
  readonly status: number;
  readonly title: string;
  readonly body: SafeHtml;
}

const restart = html`<p>Start again from the app's page in the Pipedrive Marketplace.</p>`;

/**
 * What each install failure tells the person who hit it: what happened, what to do, and a reference
 * that matches our log line. Exhaustive over `InstallError`.
 */
export function installFailurePage(error: InstallError, vendorName: string, reference: string): InstallPage {
  const ref = html`<p class="note">Reference: <code>${reference}</code></p>`;
  switch (error._tag) {
    case 'OAuthStateInvalid':
      return {
        status: 400,
        title: 'Installation link expired',
        body: html`<h1>This installation link is no longer valid</h1>
<p>It expired, was already used, or did not come from us (${error.reason.replace('_', ' ')}).</p>${restart}${ref}`,
      };
    case 'InstallDenied':
      return {
        status: 200,
        title: 'Installation cancelled',
        body: html`<h1>Installation cancelled</h1>
<p>You did not allow access ${error.at === 'vendor' ? html`at ${vendorName}` : html`in Pipedrive`}, so nothing was
installed and nothing was stored.</p>${restart}`,
      };
    case 'InstallCodeMissing':
      return {
        status: 400,
        title: 'Installation incomplete',
        body: html`<h1>The installation did not come back complete</h1>
<p>The authorization code is missing from the address.</p>${restart}${ref}`,
      };
    case 'PipedriveStepFailed':
      return {
        status: error.error._tag === 'PipedriveInvalidGrant' ? 400 : 502,
        title: 'Installation failed',
        body: html`<h1>Pipedrive did not complete the installation</h1>
<p>${pipedriveStepText(error.step)} ${
          error.error._tag === 'PipedriveInvalidGrant'
            ? 'The authorization was already used or has expired.'
            : error.error._tag === 'PipedriveTimeout'
              ? 'Pipedrive did not answer in time.'
              : 'Pipedrive answered with an error.'
        } Nothing was activated.</p>${restart}${ref}`,
      };
    case 'VendorStepFailed':
      return {
        status: error.error._tag === 'VendorTimeout' ? 504 : 502,
        title: `Connecting ${vendorName} failed`,
        body: html`<h1>${vendorName} did not complete the connection</h1>
<p>We could not finish connecting your ${vendorName} account. Nothing was activated.</p>${restart}${ref}`,
      };
    case 'VendorKeyInvalid':
      // The router shows the key form again instead; this page is for a caller without one.
      return {
        status: 400,
        title: `${vendorName} key not accepted`,
        body: html`<h1>The ${vendorName} key was not accepted</h1>
<p>${error.reason === 'missing' ? 'No key was entered.' : `${vendorName} refused the key.`}</p>${restart}${ref}`,
      };
    case 'InstallLinkMissing':
    case 'InstallMustRestart':
      return {
        status: 409,
        title: 'Installation interrupted',
        body: html`<h1>This installation cannot be finished</h1>
<p>The app was uninstalled or its authorization withdrawn while you were installing.</p>${restart}${ref}`,
      };
    case 'StoreUnavailable':
    case 'SecretUnreadable':
      return {
        status: 503,
        title: 'Try again shortly',
        body: html`<h1>We cannot finish the installation right now</h1>
<p>Our service is having trouble with its storage. Try again in a few minutes.</p>${restart}${ref}`,
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

export function renderInstallPage(view: InstallPage): string {
  return page(view.title, view.body);
}
