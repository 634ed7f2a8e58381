import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { LinkRepository } from '../ports/link-repository.js';
import type { OAuthStateSigner, UsedOAuthStates } from '../ports/oauth-state.js';
import type { PipedriveApi } from '../ports/pipedrive-api.js';
import type { TokenCipher } from '../ports/token-cipher.js';
import type { VideoVendor } from '../ports/video-vendor.js';
import type { InstallSettings } from './install-settings.js';
import type { PipedriveCredentials } from './pipedrive-credentials.js';

/** What every step of the install works with: passed as one record, not nine arguments each. */
export interface InstallCollaborators {
  readonly settings: InstallSettings;
  readonly links: LinkRepository;
  readonly pipedrive: PipedriveApi;
  readonly credentials: PipedriveCredentials;
  readonly vendor: VideoVendor;
  readonly cipher: TokenCipher;
  readonly states: OAuthStateSigner;
  readonly used: UsedOAuthStates;
  readonly ids: IdGenerator;
  readonly clock: Clock;
}
export const InstallCollaborators = Symbol('InstallCollaborators');
