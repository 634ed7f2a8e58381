import { ContainerModule } from 'inversify';

import { CreateMeeting } from '../../application/meetings/create-meeting.js';
import { MeetingCollaborators, type MeetingSettings } from '../../application/meetings/meeting-collaborators.js';
import { ReconcilePendingCreates, type ReconcileSettings } from '../../application/reconcile/reconcile-pending-creates.js';
import { CreateClaims } from '../../application/ports/create-claims.js';
import { PendingCreates } from '../../application/ports/pending-creates.js';
import { DeleteMeeting } from '../../application/meetings/delete-meeting.js';
import { UpdateMeeting } from '../../application/meetings/update-meeting.js';
import { VendorCredentials } from '../../application/credentials/vendor-credentials.js';
import { CompleteInstall } from '../../application/install/complete-install.js';
import { CompleteVendorConnection } from '../../application/install/complete-vendor-connection.js';
import { CompleteVendorKey } from '../../application/install/complete-vendor-key.js';
import { DeauthorizeVendorUser } from '../../application/install/deauthorize-vendor-user.js';
import { DisconnectLink } from '../../application/install/disconnect-link.js';
import { InstallCollaborators } from '../../application/install/install-collaborators.js';
import { InstallSettings } from '../../application/install/install-settings.js';
import { PipedriveCredentials } from '../../application/install/pipedrive-credentials.js';
import { StartInstall } from '../../application/install/start-install.js';
import { Uninstall } from '../../application/install/uninstall.js';
import { Clock } from '../../application/ports/clock.js';
import { IdGenerator } from '../../application/ports/id-generator.js';
import { LinkRepository } from '../../application/ports/link-repository.js';
import { Logger } from '../../application/ports/logger.js';
import { MeetingRepository } from '../../application/ports/meeting-repository.js';
import { OAuthStateSigner, UsedOAuthStates } from '../../application/ports/oauth-state.js';
import { PipedriveApi } from '../../application/ports/pipedrive-api.js';
import { TokenCipher } from '../../application/ports/token-cipher.js';
import { VideoVendor } from '../../application/ports/video-vendor.js';

/**
 * The use cases. They are plain classes without decorators (the application layer knows nothing
 * of Inversify), so their constructor arguments are listed here, in order.
 */
export const applicationModule = (settings: MeetingSettings, reconcile: ReconcileSettings): ContainerModule =>
  new ContainerModule(({ bind }) => {
    bind(VendorCredentials)
      .toResolvedValue(
        (vendor: VideoVendor, links: LinkRepository, cipher: TokenCipher, ids: IdGenerator, clock: Clock, logger: Logger) =>
          new VendorCredentials(vendor, links, cipher, ids, clock, logger),
        [VideoVendor, LinkRepository, TokenCipher, IdGenerator, Clock, Logger],
      )
      .inSingletonScope();
    bind<MeetingCollaborators>(MeetingCollaborators)
      .toResolvedValue(
        (
          links: LinkRepository,
          meetings: MeetingRepository,
          pending: PendingCreates,
          claims: CreateClaims,
          vendor: VideoVendor,
          ids: IdGenerator,
          clock: Clock,
          logger: Logger,
          credentials: VendorCredentials,
        ): MeetingCollaborators => ({ links, meetings, pending, claims, vendor, ids, clock, logger, credentials, settings }),
        [LinkRepository, MeetingRepository, PendingCreates, CreateClaims, VideoVendor, IdGenerator, Clock, Logger, VendorCredentials],
      )
      .inSingletonScope();
    bind(CreateMeeting)
      .toResolvedValue((deps: MeetingCollaborators) => new CreateMeeting(deps), [MeetingCollaborators])
      .inSingletonScope();
    bind(UpdateMeeting)
      .toResolvedValue((deps: MeetingCollaborators) => new UpdateMeeting(deps), [MeetingCollaborators])
      .inSingletonScope();
    bind(DeleteMeeting)
      .toResolvedValue((deps: MeetingCollaborators) => new DeleteMeeting(deps), [MeetingCollaborators])
      .inSingletonScope();
    bind(ReconcilePendingCreates)
      .toResolvedValue((deps: MeetingCollaborators) => new ReconcilePendingCreates(deps, reconcile), [MeetingCollaborators])
      .inSingletonScope();
  });

/** The install lifecycle: Pipedrive credentials, install, vendor connection, uninstall, disconnect. */
export const installModule = (settings: InstallSettings): ContainerModule =>
  new ContainerModule(({ bind }) => {
    bind<InstallSettings>(InstallSettings).toConstantValue(settings);
    bind(PipedriveCredentials)
      .toResolvedValue(
        (links: LinkRepository, api: PipedriveApi, cipher: TokenCipher, ids: IdGenerator, clock: Clock, logger: Logger) =>
          new PipedriveCredentials(links, api, cipher, ids, clock, logger),
        [LinkRepository, PipedriveApi, TokenCipher, IdGenerator, Clock, Logger],
      )
      .inSingletonScope();
    bind<InstallCollaborators>(InstallCollaborators)
      .toResolvedValue(
        (
          links: LinkRepository,
          pipedrive: PipedriveApi,
          credentials: PipedriveCredentials,
          vendor: VideoVendor,
          cipher: TokenCipher,
          states: OAuthStateSigner,
          used: UsedOAuthStates,
          ids: IdGenerator,
          clock: Clock,
        ): InstallCollaborators => ({ settings, links, pipedrive, credentials, vendor, cipher, states, used, ids, clock }),
        [LinkRepository, PipedriveApi, PipedriveCredentials, VideoVendor, TokenCipher, OAuthStateSigner, UsedOAuthStates, IdGenerator, Clock],
      )
      .inSingletonScope();
    bind(StartInstall)
      .toResolvedValue(
        (states: OAuthStateSigner, clock: Clock) => new StartInstall(settings, states, clock),
        [OAuthStateSigner, Clock],
      )
      .inSingletonScope();
    bind(CompleteInstall)
      .toResolvedValue((deps: InstallCollaborators) => new CompleteInstall(deps), [InstallCollaborators])
      .inSingletonScope();
    bind(CompleteVendorConnection)
      .toResolvedValue((deps: InstallCollaborators) => new CompleteVendorConnection(deps), [InstallCollaborators])
      .inSingletonScope();
    bind(CompleteVendorKey)
      .toResolvedValue((deps: InstallCollaborators) => new CompleteVendorKey(deps), [InstallCollaborators])
      .inSingletonScope();
    bind(Uninstall)
      .toResolvedValue(
        (links: LinkRepository, meetings: MeetingRepository, vendor: VideoVendor, logger: Logger, credentials: VendorCredentials) =>
          new Uninstall(links, meetings, vendor, logger, credentials),
        [LinkRepository, MeetingRepository, VideoVendor, Logger, VendorCredentials],
      )
      .inSingletonScope();
    bind(DeauthorizeVendorUser)
      .toResolvedValue(
        (links: LinkRepository, vendor: VideoVendor, disconnect: DisconnectLink) => new DeauthorizeVendorUser(links, vendor, disconnect),
        [LinkRepository, VideoVendor, DisconnectLink],
      )
      .inSingletonScope();
    bind(DisconnectLink)
      .toResolvedValue(
        (links: LinkRepository, api: PipedriveApi, credentials: PipedriveCredentials, clock: Clock, logger: Logger) =>
          new DisconnectLink(links, api, credentials, clock, logger),
        [LinkRepository, PipedriveApi, PipedriveCredentials, Clock, Logger],
      )
      .inSingletonScope();
  });
