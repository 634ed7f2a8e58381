import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';

import type { Link } from '../../domain/link.js';
import type { Clock } from '../ports/clock.js';
import type { LinkRepository } from '../ports/link-repository.js';
import type { PipedriveApi } from '../ports/pipedrive-api.js';
import type { InstallError, InstallRedirect } from './errors.js';
import type { InstallSettings } from './install-settings.js';
import type { CredentialsError, PipedriveCredentials } from './pipedrive-credentials.js';

/**
 * The last install step: tell Pipedrive about the link, and only then make it usable. A link whose
 * registration failed stays as it was (pending for a new install), so the reverse API never serves a
 * half-registered link.
 */
export const registerAndActivate =
  (
    settings: InstallSettings,
    links: LinkRepository,
    pipedrive: PipedriveApi,
    credentials: PipedriveCredentials,
    clock: Clock,
  ) =>
  (link: Link): TE.TaskEither<InstallError, InstallRedirect> =>
    pipe(
      credentials.withAccess(link.linkId, (access) =>
        pipe(
          pipedrive.registerUserProviderLink(access.apiDomain, access.accessToken, {
            linkId: link.linkId,
            userId: link.userId,
            companyId: link.companyId,
            marketplaceClientId: settings.clientId,
          }),
          TE.map((registered) => registered.redirectUrl ?? access.apiDomain),
        ),
      ),
      TE.mapLeft(credentialsToInstallError('registration')),
      TE.flatMap((redirectTo) =>
        pipe(
          links.setStatus(link.linkId, 'active', clock.now()),
          TE.map(() => ({ redirectTo })),
        ),
      ),
    );

export const credentialsToInstallError =
  (step: 'identity' | 'registration') =>
  (error: CredentialsError): InstallError => {
    switch (error._tag) {
      case 'StoreUnavailable':
      case 'SecretUnreadable':
        return error;
      case 'LinkNotInstalled':
        return { _tag: 'InstallLinkMissing' };
      case 'LinkNeedsReauthorization':
        return { _tag: 'InstallMustRestart' };
      case 'PipedriveInvalidGrant':
      case 'PipedriveUnauthorized':
      case 'PipedriveRejected':
      case 'PipedriveUnavailable':
      case 'PipedriveTimeout':
        return { _tag: 'PipedriveStepFailed', step, error };
    }
  };
