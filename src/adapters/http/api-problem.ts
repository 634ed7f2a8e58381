import type { MeetingUseCaseError } from '../../application/meetings/errors.js';

/** A failure the HTTP edge itself detects, before any use case runs. */
export type RequestError =
  | { readonly _tag: 'Unauthorized' }
  | { readonly _tag: 'InvalidBody'; readonly message: string }
  | { readonly _tag: 'BodyTooLarge'; readonly limitBytes: number };

/** What a JSON error answer is made of: `{success:false,error:{code,message}}` plus status and headers. */
export interface ApiProblem {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Seconds a client should wait before retrying while the store is down. */
const STORE_RETRY_AFTER_SECONDS = 5;

/**
 * The one table from failure to HTTP answer. Exhaustive: adding a tag to either union without a
 * row here does not compile.
 */
export function apiProblem(error: MeetingUseCaseError | RequestError, vendorName: string): ApiProblem {
  switch (error._tag) {
    case 'Unauthorized':
      return {
        status: 401,
        code: 'UNAUTHORIZED',
        message: 'Authorization: expected Basic credentials of this app (the Pipedrive client id and secret)',
        headers: { 'WWW-Authenticate': 'Basic realm="pipedrive-video", charset="UTF-8"' },
      };
    case 'InvalidBody':
      return { status: 400, code: 'INVALID_BODY', message: error.message };
    case 'BodyTooLarge':
      return {
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: `body: larger than the limit of ${error.limitBytes} bytes`,
      };
    case 'LinkNotFound':
      return {
        status: 404,
        code: 'LINK_NOT_FOUND',
        message:
          error.reason === 'malformed'
            ? `linkId: ${quote(error.linkId)} is not a link id (expected a UUID)`
            : `linkId: no installed link ${quote(error.linkId)} on this deployment`,
      };
    case 'LinkNeedsReauthorization':
      return {
        status: 409,
        code: 'LINK_NEEDS_REAUTHORIZATION',
        message: `linkId: ${vendorName} no longer accepts this link's authorization; reconnect by installing the app again from the Pipedrive Marketplace`,
      };
    case 'MeetingNotFound':
      return { status: 404, code: 'MEETING_NOT_FOUND', message: meetingNotFoundMessage(error, vendorName) };
    case 'StoreUnavailable':
      return {
        status: 503,
        code: 'STORE_UNAVAILABLE',
        message: 'the service cannot reach its database; retry shortly',
        headers: { 'Retry-After': String(STORE_RETRY_AFTER_SECONDS) },
      };
    case 'VendorRejected':
      return { status: 502, code: 'VENDOR_REJECTED', message: `${vendorName} refused the request: ${error.message}` };
    case 'VendorUnavailable':
      return { status: 502, code: 'VENDOR_UNAVAILABLE', message: `${vendorName} failed: ${error.message}` };
    case 'VendorTimeout':
      return { status: 504, code: 'VENDOR_TIMEOUT', message: `${vendorName} did not answer in time` };
    case 'VendorRateLimited':
      return {
        status: 429,
        code: 'VENDOR_RATE_LIMITED',
        message: `${vendorName} is limiting requests: ${error.message}`,
        ...(error.retryAfterSeconds === undefined
          ? {}
          : { headers: { 'Retry-After': String(Math.max(0, Math.ceil(error.retryAfterSeconds))) } }),
      };
  }
}

function meetingNotFoundMessage(
  error: Extract<MeetingUseCaseError, { _tag: 'MeetingNotFound' }>,
  vendorName: string,
): string {
  const id = quote(error.meetingId);
  switch (error.reason) {
    case 'malformed':
      return `meetingId: ${id} is not a meeting id of this service`;
    case 'unknown':
      return `meetingId: no meeting ${id} on this link`;
    case 'deleted':
      return `meetingId: meeting ${id} was deleted`;
    case 'gone_at_vendor':
      return `meetingId: meeting ${id} no longer exists at ${vendorName}; it is now recorded as deleted`;
  }
}

/** Echoes a caller's value safely: bounded length, JSON-quoted so control characters show. */
export function quote(value: string): string {
  const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return JSON.stringify(shown);
}
