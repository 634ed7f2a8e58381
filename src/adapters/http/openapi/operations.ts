import {
  emptyResponse,
  type JsonObject,
  jsonResponse,
  pageResponse,
  problemResponse,
  redirectResponse,
  retryAfterStore,
  retryAfterVendor,
  schemaRef,
  wwwAuthenticate,
} from './schemas.js';

/** What an operation's description may depend on: the deployment it is served by. */
export interface DocumentContext {
  readonly vendorName: string;
  /** `/metrics` wants a bearer token (METRICS_TOKEN is set). */
  readonly metricsSecured: boolean;
}

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One route as OpenAPI sees it: `{param}` templates, lower-case method. */
export interface DocumentedRoute {
  readonly method: HttpMethod;
  readonly path: string;
  operation(context: DocumentContext): JsonObject;
}

const INTERNAL_ERROR = problemResponse('A defect; logged with the reference the message quotes.', ['INTERNAL_ERROR']);
const INTERNAL_ERROR_PAGE = pageResponse('A defect; the page quotes the reference it was logged with.');
const STORE_UNAVAILABLE = problemResponse('The store does not answer.', ['STORE_UNAVAILABLE'], retryAfterStore);
const UNAUTHORIZED = problemResponse(
  "Missing or wrong Basic credentials (this app's Pipedrive client id and secret); checked before anything else.",
  ['UNAUTHORIZED'],
  wwwAuthenticate,
);
const INVALID_BODY = problemResponse('A field is missing or invalid, or the JSON is malformed; the message names the field.', ['INVALID_BODY']);
const TOO_LARGE = problemResponse('The body is over the limit.', ['PAYLOAD_TOO_LARGE']);

const pathParameter = (name: string, description: string, schema: JsonObject = { type: 'string' }): JsonObject => ({
  name,
  in: 'path',
  required: true,
  description,
  schema,
});
const LINK_ID = pathParameter('linkId', 'The link id this app registered for the user at install (a UUID).');
const MEETING_ID = pathParameter('meetingId', 'The meeting_id this service answered on creation.');

const meetingBody: JsonObject = {
  required: true,
  content: { 'application/json': { schema: schemaRef('MeetingRequest') } },
};

/** The failures every reverse-API call can answer, besides its own. */
const reverseApiFailures = (vendorName: string): JsonObject => ({
  '401': UNAUTHORIZED,
  '404': problemResponse('The link is unknown, removed or of another vendor; or the meeting is not this link’s.', [
    'LINK_NOT_FOUND',
    'MEETING_NOT_FOUND',
  ]),
  '409': problemResponse(`${vendorName} no longer accepts the link’s authorization: the user must install again.`, [
    'LINK_NEEDS_REAUTHORIZATION',
  ]),
  '429': problemResponse(`${vendorName} is limiting requests.`, ['VENDOR_RATE_LIMITED'], retryAfterVendor),
  '500': INTERNAL_ERROR,
  '502': problemResponse(`${vendorName} refused the request or failed.`, ['VENDOR_REJECTED', 'VENDOR_UNAVAILABLE']),
  '503': STORE_UNAVAILABLE,
  '504': problemResponse(`${vendorName} did not answer in time.`, ['VENDOR_TIMEOUT']),
});

const BASIC_AUTH = [{ pipedriveBasic: [] }];

/** The pages an install step shows when it cannot go on (or the user said no). */
const installPages = (): JsonObject => ({
  '200': pageResponse('The user declined on a consent screen: a short page, nothing changes.'),
  '400': pageResponse('The request cannot go on: a state that is missing, forged, expired or reused, a missing code, a refused grant.'),
  '409': pageResponse('The install must start again (the link was removed meanwhile, or its Pipedrive grant was refused).'),
  '500': INTERNAL_ERROR_PAGE,
  '502': pageResponse('Pipedrive or the vendor failed.'),
  '503': pageResponse('The store does not answer.'),
  '504': pageResponse('The vendor did not answer in time.'),
});

const stateQuery = (required: boolean, description: string): JsonObject => ({
  name: 'state',
  in: 'query',
  required,
  description,
  schema: { type: 'string' },
});
const codeQuery: JsonObject = { name: 'code', in: 'query', required: false, description: 'The authorization code.', schema: { type: 'string' } };
const errorQuery: JsonObject = {
  name: 'error',
  in: 'query',
  required: false,
  description: '`user_denied` (or another OAuth error) when the user said no.',
  schema: { type: 'string' },
};

/**
 * Every route the service can mount. A deployment's document holds the ones it does mount (the
 * vendor's own routes differ); a mounted route missing here is reported by `undocumentedRoutes`,
 * and the HTTP tests fail on any answer the document does not describe.
 */
export const DOCUMENTED_ROUTES: readonly DocumentedRoute[] = [
  {
    method: 'get',
    path: '/healthz',
    operation: () => ({
      operationId: 'liveness',
      tags: ['operations'],
      summary: 'Liveness: 200 while the process runs.',
      responses: { '200': jsonResponse('The process runs.', schemaRef('Health')), '500': INTERNAL_ERROR },
    }),
  },
  {
    method: 'get',
    path: '/readyz',
    operation: () => ({
      operationId: 'readiness',
      tags: ['operations'],
      summary: 'Readiness: 200 when the store answers and its indexes exist, else 503.',
      responses: {
        '200': jsonResponse('Ready to serve.', schemaRef('Ready')),
        '500': INTERNAL_ERROR,
        '503': jsonResponse('The store does not answer (yet).', schemaRef('NotReady')),
      },
    }),
  },
  {
    method: 'get',
    path: '/manifest.json',
    operation: () => ({
      operationId: 'manifest',
      tags: ['operations'],
      summary: "This deployment's manifest, to upload in Pipedrive's Developer Hub.",
      responses: { '200': jsonResponse('The manifest, endpoints as absolute URLs.', schemaRef('Manifest')), '500': INTERNAL_ERROR },
    }),
  },
  {
    method: 'get',
    path: '/metrics',
    operation: ({ metricsSecured }) => ({
      operationId: 'metrics',
      tags: ['operations'],
      summary: 'Prometheus metrics: request durations, vendor and Pipedrive calls, token refreshes, store errors, the process.',
      ...(metricsSecured ? { security: [{ metricsBearer: [] }] } : { security: [] }),
      responses: {
        '200': {
          description: 'The Prometheus text exposition format.',
          headers: { 'X-Request-Id': { $ref: '#/components/headers/RequestId' } },
          content: { 'text/plain': { schema: { type: 'string' } } },
        },
        ...(metricsSecured
          ? { '401': problemResponse('Missing or wrong bearer token (METRICS_TOKEN).', ['UNAUTHORIZED'], wwwAuthenticate) }
          : {}),
        '500': INTERNAL_ERROR,
      },
    }),
  },
  {
    method: 'get',
    path: '/openapi.json',
    operation: () => ({
      operationId: 'openapi',
      tags: ['operations'],
      summary: 'This document.',
      responses: { '200': jsonResponse('The OpenAPI 3.1 document of this deployment.', schemaRef('OpenApiDocument')), '500': INTERNAL_ERROR },
    }),
  },
  {
    method: 'post',
    path: '/api/v1/links/{linkId}/meetings',
    operation: ({ vendorName }) => ({
      operationId: 'postMeeting',
      tags: ['reverse API'],
      summary: `Pipedrive asks for a new ${vendorName} meeting for a video call added to an activity.`,
      security: BASIC_AUTH,
      parameters: [LINK_ID],
      requestBody: meetingBody,
      responses: {
        '201': jsonResponse('The meeting. The vendor’s host or start URL is never included.', schemaRef('CreatedMeeting')),
        '400': INVALID_BODY,
        '413': TOO_LARGE,
        ...reverseApiFailures(vendorName),
      },
    }),
  },
  {
    method: 'patch',
    path: '/api/v1/links/{linkId}/meetings/{meetingId}',
    operation: ({ vendorName }) => ({
      operationId: 'patchUpdateMeeting',
      tags: ['reverse API'],
      summary: 'Pipedrive reports a changed activity: the meeting takes the new topic, time and duration.',
      security: BASIC_AUTH,
      parameters: [LINK_ID, MEETING_ID],
      requestBody: meetingBody,
      responses: {
        '204': emptyResponse('Updated.'),
        '400': INVALID_BODY,
        '413': TOO_LARGE,
        ...reverseApiFailures(vendorName),
      },
    }),
  },
  {
    method: 'delete',
    path: '/api/v1/links/{linkId}/meetings/{meetingId}',
    operation: ({ vendorName }) => ({
      operationId: 'deleteMeeting',
      tags: ['reverse API'],
      summary: 'Pipedrive reports a deleted activity. Deleting a meeting already deleted (here or at the vendor) is also 204.',
      security: BASIC_AUTH,
      parameters: [LINK_ID, MEETING_ID],
      responses: { '204': emptyResponse('Deleted, now or before.'), ...reverseApiFailures(vendorName) },
    }),
  },
  {
    method: 'get',
    path: '/oauth/install',
    operation: () => ({
      operationId: 'startInstall',
      tags: ['install'],
      summary: "The app's Installation URL: sends the browser to Pipedrive's consent screen with a signed state.",
      responses: { '302': redirectResponse("To Pipedrive's authorize URL."), '500': INTERNAL_ERROR_PAGE },
    }),
  },
  {
    method: 'get',
    path: '/oauth/callback',
    operation: () => ({
      operationId: 'completeInstall',
      tags: ['install'],
      summary: "Pipedrive's Callback URL: exchanges the code, registers the link, and goes on to the vendor or back to Pipedrive.",
      parameters: [codeQuery, stateQuery(false, 'Present when the install started at /oauth/install; it must then verify.'), errorQuery],
      responses: {
        '302': redirectResponse("To the vendor's consent screen or key form, or back to Pipedrive."),
        ...installPages(),
      },
    }),
  },
  {
    method: 'delete',
    path: '/oauth/callback',
    operation: () => ({
      operationId: 'uninstall',
      tags: ['install'],
      summary: "Pipedrive's uninstall call: removes the user's link, its tokens and meetings, and revokes the vendor grant. Idempotent.",
      security: BASIC_AUTH,
      requestBody: { required: true, content: { 'application/json': { schema: schemaRef('UninstallRequest') } } },
      responses: {
        '200': jsonResponse('Removed, or nothing was left to remove.', schemaRef('Uninstalled')),
        '400': INVALID_BODY,
        '401': UNAUTHORIZED,
        '413': TOO_LARGE,
        '500': INTERNAL_ERROR,
        '503': STORE_UNAVAILABLE,
      },
    }),
  },
  {
    method: 'get',
    path: '/oauth/vendor/callback',
    operation: ({ vendorName }) => ({
      operationId: 'completeVendorConnection',
      tags: ['install'],
      summary: `${vendorName}'s redirect URL: exchanges the code for the user's ${vendorName} grant, then registers the link.`,
      parameters: [codeQuery, stateQuery(true, 'Required: missing, forged, expired or reused answers 400 before any exchange.'), errorQuery],
      responses: { '302': redirectResponse('Back to Pipedrive.'), ...installPages() },
    }),
  },
  {
    method: 'get',
    path: '/oauth/vendor/key',
    operation: ({ vendorName }) => ({
      operationId: 'vendorKeyForm',
      tags: ['install'],
      summary: `The form where the user pastes their ${vendorName} account key during install.`,
      parameters: [stateQuery(true, 'The signed state of the install step.')],
      responses: { ...installPages(), '200': pageResponse('The form.') },
    }),
  },
  {
    method: 'post',
    path: '/oauth/vendor/key',
    operation: ({ vendorName }) => ({
      operationId: 'completeVendorKey',
      tags: ['install'],
      summary: `Checks the pasted ${vendorName} key with ${vendorName}, stores it sealed, then registers the link.`,
      requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: schemaRef('VendorKeyForm') } } },
      responses: {
        '302': redirectResponse('Back to Pipedrive.'),
        ...installPages(),
        '400': pageResponse('The key is missing or refused (the form again, with a fresh state), or the state is invalid.'),
      },
    }),
  },
  {
    method: 'post',
    path: '/webhooks/zoom',
    operation: () => ({
      operationId: 'zoomWebhook',
      tags: ['vendor'],
      summary: "Zoom's signed event notifications: `endpoint.url_validation` and `app_deauthorized`; other events are acknowledged.",
      parameters: [
        {
          name: 'x-zm-signature',
          in: 'header',
          required: true,
          description: '`v0=` and the hex HMAC-SHA256 of `v0:{timestamp}:{raw body}` keyed with ZOOM_WEBHOOK_SECRET_TOKEN.',
          schema: { type: 'string' },
        },
        {
          name: 'x-zm-request-timestamp',
          in: 'header',
          required: true,
          description: 'Epoch seconds; must be within 5 minutes of our clock.',
          schema: { type: 'string' },
        },
      ],
      requestBody: { required: true, content: { 'application/json': { schema: schemaRef('ZoomNotification') } } },
      responses: {
        '200': jsonResponse('The endpoint check answered, or the event handled.', {
          oneOf: [schemaRef('ZoomUrlValidated'), schemaRef('ZoomNotificationHandled')],
        }),
        '400': INVALID_BODY,
        '401': problemResponse('Missing or wrong signature, or a stale timestamp: nothing changes.', ['INVALID_SIGNATURE']),
        '413': TOO_LARGE,
        '500': INTERNAL_ERROR,
        '503': STORE_UNAVAILABLE,
      },
    }),
  },
  {
    method: 'get',
    path: '/j/{room}',
    operation: () => ({
      operationId: 'jitsiJoin',
      tags: ['vendor'],
      summary: 'Jitsi token modes: mints a token for the meeting’s current window and sends the person to the room.',
      parameters: [pathParameter('room', 'The room name.')],
      responses: {
        '302': redirectResponse('To the room, with its token.'),
        '403': pageResponse('The room has not opened yet.'),
        '404': pageResponse('No such meeting.'),
        '410': pageResponse('The meeting was cancelled or has ended.'),
        '500': INTERNAL_ERROR_PAGE,
        '503': pageResponse('The store does not answer.'),
      },
    }),
  },
  {
    method: 'get',
    path: '/stub/meetings/{vendorRef}',
    operation: () => ({
      operationId: 'stubMeetingPage',
      tags: ['vendor'],
      summary: 'The stub vendor’s meeting page: the meeting as this deployment knows it now. No call takes place.',
      parameters: [pathParameter('vendorRef', 'The stub meeting’s reference.')],
      responses: {
        '200': pageResponse('The meeting.'),
        '404': pageResponse('No such meeting.'),
        '410': pageResponse('The meeting was cancelled.'),
        '500': INTERNAL_ERROR_PAGE,
        '503': pageResponse('The store does not answer.'),
      },
    }),
  },
];
