/**
 * The Pipedrive manifest (version v202049) and the reverse-API paths it names. The router mounts
 * exactly these paths, so the manifest a deployment serves cannot point anywhere it does not answer.
 */

export const MANIFEST_VERSION = 'v202049';

export const REVERSE_API_PATHS = {
  postMeeting: '/api/v1/links/:linkId/meetings',
  patchUpdateMeeting: '/api/v1/links/:linkId/meetings/:meetingId',
  deleteMeeting: '/api/v1/links/:linkId/meetings/:meetingId',
} as const;

export interface Manifest {
  readonly version: typeof MANIFEST_VERSION;
  readonly clientId: string;
  readonly endpoints: {
    readonly postMeeting: string;
    readonly deleteMeeting: string;
    readonly patchUpdateMeeting: string;
  };
}

export function buildManifest(publicBaseUrl: string, clientId: string): Manifest {
  const base = publicBaseUrl.replace(/\/+$/, '');
  return {
    version: MANIFEST_VERSION,
    clientId,
    endpoints: {
      postMeeting: `${base}${REVERSE_API_PATHS.postMeeting}`,
      deleteMeeting: `${base}${REVERSE_API_PATHS.deleteMeeting}`,
      patchUpdateMeeting: `${base}${REVERSE_API_PATHS.patchUpdateMeeting}`,
    },
  };
}
