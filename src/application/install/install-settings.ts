/** The addresses the install flow sends browsers to and registers, decided by configuration. */
export interface InstallSettings {
  /** The Marketplace app's client id, sent as `client_id` and `marketplace_client_id`. */
  readonly clientId: string;
  /** `{PIPEDRIVE_OAUTH_URL}/oauth/authorize`. */
  readonly pipedriveAuthorizeUrl: string;
  /** `{PUBLIC_BASE_URL}/oauth/callback`: the one Callback URL registered in the Developer Hub. */
  readonly callbackUrl: string;
  /** `{PUBLIC_BASE_URL}/oauth/vendor/callback`: the redirect URL registered with the vendor. */
  readonly vendorCallbackUrl: string;
  /** `{PUBLIC_BASE_URL}/oauth/vendor/key`: the form where a user pastes their vendor account key. */
  readonly vendorKeyUrl: string;
  /** How long one vendor call of the install may take. */
  readonly vendorTimeoutMs: number;
}
export const InstallSettings = Symbol('InstallSettings');
