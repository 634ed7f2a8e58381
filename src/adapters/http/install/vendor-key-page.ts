import { html, page } from '../html.js';

export interface VendorKeyForm {
  readonly vendorName: string;
  readonly keyLabel: string;
  readonly keyHelp: string;
  readonly state: string;
  /** Said at the field when the last try failed. */
  readonly error?: string;
}

export const VENDOR_KEY_PATH = '/oauth/vendor/key';

/**
 * The form where a user pastes their vendor account key during install. Works without script; the
 * signed single-use state rides along as a hidden field (it is also what stops cross-site posts).
 * A refused key comes back as the same form with the message at the field: tied to the input by
 * `aria-describedby`, the input marked `aria-invalid`, and the title starting with "Error:" so a
 * screen reader announces the failure on arrival.
 */
export function vendorKeyPage(form: VendorKeyForm): string {
  const failed = form.error !== undefined;
  const describedBy = failed ? 'key-error key-help' : 'key-help';
  return page(
    `${failed ? 'Error: ' : ''}Connect ${form.vendorName}`,
    html`<h1>Connect your ${form.vendorName} account</h1>
<p>Video calls you add in Pipedrive will be created in your ${form.vendorName} account. Paste its key below; we check
it with ${form.vendorName} and store it encrypted.</p>
<form method="post" action="${VENDOR_KEY_PATH}" novalidate>
<input type="hidden" name="state" value="${form.state}">
<div class="field">
<label for="key">${form.keyLabel}</label>
${failed ? html`<p id="key-error" class="field-error" role="alert"><span>Error:</span> ${form.error}</p>` : html``}
<input id="key" name="key" type="password" autocomplete="off" spellcheck="false" required aria-describedby="${describedBy}"${
      failed ? html` aria-invalid="true"` : html``
    }>
<p id="key-help" class="note">Where to find it: ${form.keyHelp}</p>
</div>
<p class="actions"><button type="submit">Connect ${form.vendorName}</button></p>
</form>`,
    { tone: failed ? 'problem' : 'info' },
  );
}
