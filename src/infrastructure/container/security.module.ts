import { ContainerModule } from 'inversify';

import { OAuthStateSigner } from '../../application/ports/oauth-state.js';
import { PipedriveApi } from '../../application/ports/pipedrive-api.js';
import { TokenCipher } from '../../application/ports/token-cipher.js';
import { JoseOAuthStateSigner } from '../../adapters/crypto/jose-oauth-state-signer.js';
import { JoseTokenCipher } from '../../adapters/crypto/jose-token-cipher.js';
import type { Keyring } from '../../adapters/crypto/keyring.js';
import { FetchPipedriveApi } from '../../adapters/pipedrive/fetch-pipedrive-api.js';
import type { AppConfig } from '../config.js';

/** How long an OAuth `state` is good for: the consent screen, and a little reading time. */
export const OAUTH_STATE_TTL_SECONDS = 600;

/** Secrets at rest, OAuth state, and the Pipedrive client that needs both. */
export const pipedriveModule = (config: AppConfig): ContainerModule =>
  new ContainerModule(({ bind }) => {
    const keyring: Keyring = { current: config.encryptionKey, previous: config.previousEncryptionKeys };
    bind<TokenCipher>(TokenCipher).toConstantValue(new JoseTokenCipher(keyring));
    bind<OAuthStateSigner>(OAuthStateSigner).toConstantValue(new JoseOAuthStateSigner(keyring, OAUTH_STATE_TTL_SECONDS));
    bind<PipedriveApi>(PipedriveApi).toConstantValue(
      new FetchPipedriveApi({
        oauthUrl: config.pipedrive.oauthUrl,
        clientId: config.pipedrive.clientId,
        clientSecret: config.pipedrive.clientSecret,
        timeoutMs: config.pipedriveTimeoutMs,
        // Production only ever talks to Pipedrive over https; development may use a local fake.
        allowInsecureApiDomain: !config.production,
      }),
    );
  });
