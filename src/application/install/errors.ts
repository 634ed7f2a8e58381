import type {
  PipedriveError,
  SecretUnreadable,
  StoreUnavailable,
  VendorError,
} from '../../domain/errors.js';
import type { OAuthStateInvalid } from '../ports/oauth-state.js';

/** Where in the install Pipedrive failed; the page tells the user what to do about each. */
export type PipedriveStep = 'token' | 'identity' | 'registration';

/** Everything an install or uninstall can answer besides success. */
export type InstallError =
  | OAuthStateInvalid
  /** The user said no on Pipedrive's (or the vendor's) consent screen. */
  | { readonly _tag: 'InstallDenied'; readonly at: 'pipedrive' | 'vendor'; readonly error: string }
  | { readonly _tag: 'InstallCodeMissing' }
  | { readonly _tag: 'PipedriveStepFailed'; readonly step: PipedriveStep; readonly error: PipedriveError }
  | { readonly _tag: 'VendorStepFailed'; readonly error: VendorError }
  /** The pasted account key is missing or the vendor refused it; the form asks again with `retryState`. */
  | {
      readonly _tag: 'VendorKeyInvalid';
      readonly reason: 'missing' | 'refused';
      readonly retryState: string;
    }
  /** The vendor step arrived for a link that no longer exists (uninstalled meanwhile). */
  | { readonly _tag: 'InstallLinkMissing' }
  /** The link's Pipedrive authorization is gone (refused refresh): the user must start again. */
  | { readonly _tag: 'InstallMustRestart' }
  | StoreUnavailable
  | SecretUnreadable;

/** Where the browser goes when a step succeeds. */
export interface InstallRedirect {
  readonly redirectTo: string;
}
