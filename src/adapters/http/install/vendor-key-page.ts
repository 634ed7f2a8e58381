import { html, page } from '../html.js';

export interface VendorKeyForm {
  readonly vendorName: string;
  readonly keyLabel: string;
  readonly keyHelp: string;
  readonly state: string;
  /** Said next to the field when the last try failed. */
  readonly error?: string;
}

/**
 * The form where a user pastes their vendor account key during install. Works without script; the
 * signed single-use state rides along as a hidden field (it is also what stops cross-site posts).
 */
export function vendorKeyPage(form: VendorKeyForm): string {
  const describedBy = form.error === undefined ? 'key-help' : 'key-help key-error';
  return page(
    `Connect ${form.vendorName}`,
    html`<h1>Connect your ${form.vendorName} account</h1>
<p>Video calls you add in Pipedrive will be created in your ${form.vendorName} account.</p>
<form method="post" action="/oauth/vendor/key" novalidate>
<input type="hidden" name="state" value="${form.state}">
<p><label for="key">${form.keyLabel}</label><br>
<input id="key" name="key" type="password" autocomplete="off" spellcheck="false" required aria-describedby="${describedBy}"${
      form.error === undefined ? html`` : html` aria-invalid="true"`
    } size="48"></p>
<p id="key-help" class="note">${form.keyHelp}</p>
${form.error === undefined ? html`` : html`<p id="key-error" role="alert"><strong>${form.error}</strong></p>`}
<p><button type="submit">Connect</button></p>
</form>`,
  );
}
