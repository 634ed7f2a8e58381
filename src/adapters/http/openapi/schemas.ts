/**
 * The JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of every body this service reads or writes,
 * and the building blocks of the operations' responses. The HTTP tests validate every real answer
 * against these, so they describe what the code does, not what it was meant to do.
 */

export type JsonObject = { readonly [key: string]: unknown };

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });

export const SCHEMAS: Record<string, JsonObject> = {
  Problem: {
    type: 'object',
    description: 'Every JSON error answer: a stable upper-case code and a message that names the offending field.',
    required: ['success', 'error'],
    additionalProperties: false,
    properties: {
      success: { const: false },
      error: {
        type: 'object',
        required: ['code', 'message'],
        additionalProperties: false,
        properties: {
          code: { type: 'string', pattern: '^[A-Z][A-Z_]*$' },
          message: { type: 'string', minLength: 1 },
        },
      },
    },
  },
  MeetingRequest: {
    type: 'object',
    description: 'What Pipedrive sends to create or update a meeting. Unknown fields are ignored.',
    required: ['topic', 'start_time', 'duration'],
    properties: {
      topic: { type: 'string', minLength: 1, maxLength: 500, description: 'Non-empty once trimmed.' },
      start_time: {
        type: 'string',
        pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}$',
        description: '`YYYY-MM-DD HH:mm`, a minute that exists on the calendar, read as UTC.',
        examples: ['2026-12-01 15:00'],
      },
      duration: { type: 'integer', minimum: 1, maximum: 1440, description: 'Minutes.' },
    },
  },
  CreatedMeeting: {
    type: 'object',
    description: 'Exactly these keys. `password` is left out (not null) when the meeting has none.',
    required: ['success', 'data'],
    additionalProperties: false,
    properties: {
      success: { const: true },
      data: {
        type: 'object',
        required: ['meeting_id', 'join_url', 'invitation'],
        additionalProperties: false,
        properties: {
          meeting_id: { type: 'string', minLength: 1 },
          join_url: { type: 'string', format: 'uri' },
          password: { type: 'string', minLength: 1 },
          invitation: { type: 'string', minLength: 1 },
        },
      },
    },
  },
  Manifest: {
    type: 'object',
    description: "This deployment's Pipedrive app-extension manifest.",
    required: ['version', 'clientId', 'endpoints'],
    additionalProperties: false,
    properties: {
      version: { const: 'v202049' },
      clientId: { type: 'string', minLength: 1 },
      endpoints: {
        type: 'object',
        required: ['postMeeting', 'deleteMeeting', 'patchUpdateMeeting'],
        additionalProperties: false,
        properties: {
          postMeeting: { type: 'string', format: 'uri' },
          deleteMeeting: { type: 'string', format: 'uri' },
          patchUpdateMeeting: { type: 'string', format: 'uri' },
        },
      },
    },
  },
  UninstallRequest: {
    type: 'object',
    description: 'What Pipedrive sends when a user uninstalls the app. Ids may be numbers or numeric strings.',
    required: ['client_id', 'company_id', 'user_id', 'timestamp'],
    properties: {
      client_id: { type: 'string' },
      company_id: { oneOf: [{ type: 'integer', minimum: 1 }, { type: 'string', pattern: '^\\d{1,15}$' }] },
      user_id: { oneOf: [{ type: 'integer', minimum: 1 }, { type: 'string', pattern: '^\\d{1,15}$' }] },
      timestamp: {
        description: 'ISO 8601 date-time, or epoch seconds (a number or a string of digits).',
        oneOf: [{ type: 'number', exclusiveMinimum: 0 }, { type: 'string', minLength: 1 }],
      },
    },
  },
  Uninstalled: {
    type: 'object',
    required: ['success', 'data'],
    additionalProperties: false,
    properties: {
      success: { const: true },
      data: {
        type: 'object',
        required: ['removed'],
        additionalProperties: false,
        properties: { removed: { type: 'boolean', description: 'False when there was nothing to remove (idempotent).' } },
      },
    },
  },
  Health: {
    type: 'object',
    required: ['status'],
    additionalProperties: false,
    properties: { status: { const: 'ok' } },
  },
  Ready: {
    type: 'object',
    required: ['status'],
    additionalProperties: false,
    properties: { status: { const: 'ready' } },
  },
  NotReady: {
    type: 'object',
    required: ['status', 'reason'],
    additionalProperties: false,
    properties: { status: { const: 'unavailable' }, reason: { type: 'string' } },
  },
  ZoomNotification: {
    type: 'object',
    description: "A Zoom event notification. Nothing is parsed before the signature over the exact bytes is verified.",
    required: ['event'],
    properties: {
      event: { type: 'string', examples: ['endpoint.url_validation', 'app_deauthorized'] },
      payload: { type: 'object' },
    },
  },
  ZoomUrlValidated: {
    type: 'object',
    required: ['plainToken', 'encryptedToken'],
    additionalProperties: false,
    properties: {
      plainToken: { type: 'string', minLength: 1 },
      encryptedToken: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'hex HMAC-SHA256 of plainToken' },
    },
  },
  ZoomNotificationHandled: {
    type: 'object',
    required: ['success', 'data'],
    additionalProperties: false,
    properties: {
      success: { const: true },
      data: {
        oneOf: [
          {
            type: 'object',
            required: ['disconnected'],
            additionalProperties: false,
            properties: { disconnected: { type: 'integer', minimum: 0, description: 'Links of that Zoom user now disconnected.' } },
          },
          {
            type: 'object',
            required: ['ignored'],
            additionalProperties: false,
            properties: { ignored: { type: 'string', description: 'An event this service does not use, acknowledged.' } },
          },
        ],
      },
    },
  },
  VendorKeyForm: {
    type: 'object',
    required: ['state', 'key'],
    properties: {
      state: { type: 'string', description: 'The signed state the form was shown with.' },
      key: { type: 'string', description: "The user's vendor API key." },
    },
  },
  HtmlPage: { type: 'string', description: 'A page for a person in a browser.' },
  OpenApiDocument: {
    type: 'object',
    required: ['openapi', 'info', 'paths'],
    properties: { openapi: { type: 'string', pattern: '^3\\.1\\.\\d+$' } },
  },
};

/** Every response says which request it answers; quote it when reporting a problem. */
export const HEADERS: Record<string, JsonObject> = {
  RequestId: {
    description: 'The request id: the `X-Request-Id` the caller sent if well-formed, else a new UUID. Every log line of the request carries it.',
    required: true,
    schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
  },
  Location: {
    description: 'Where the browser goes next.',
    required: true,
    schema: { type: 'string', minLength: 1 },
  },
  RetryAfterStore: {
    description: 'Seconds before a retry may succeed.',
    required: true,
    schema: { type: 'integer', minimum: 0 },
  },
  RetryAfterVendor: {
    description: 'Seconds before a retry may succeed, when the vendor said.',
    required: false,
    schema: { type: 'integer', minimum: 0 },
  },
  WwwAuthenticate: {
    description: 'The scheme the route wants.',
    required: true,
    schema: { type: 'string', minLength: 1 },
  },
};

const requestIdHeader = { 'X-Request-Id': { $ref: '#/components/headers/RequestId' } };

/** A JSON answer of `schema`. */
export function jsonResponse(description: string, schema: JsonObject, headers: JsonObject = {}): JsonObject {
  return {
    description,
    headers: { ...requestIdHeader, ...headers },
    content: { 'application/json': { schema } },
  };
}

/** A JSON error answer whose `error.code` is one of `codes`. */
export function problemResponse(description: string, codes: readonly string[], headers: JsonObject = {}): JsonObject {
  return jsonResponse(
    description,
    {
      allOf: [
        ref('Problem'),
        { properties: { error: { properties: { code: { enum: [...codes] } } } } },
      ],
    },
    headers,
  );
}

/** An HTML page. */
export function pageResponse(description: string): JsonObject {
  return { description, headers: requestIdHeader, content: { 'text/html': { schema: ref('HtmlPage') } } };
}

/** A redirect: Koa adds a one-line body naming the target, as HTML or text as the client accepts. */
export function redirectResponse(description: string): JsonObject {
  return {
    description,
    headers: { ...requestIdHeader, Location: { $ref: '#/components/headers/Location' } },
    content: { 'text/html': { schema: { type: 'string' } }, 'text/plain': { schema: { type: 'string' } } },
  };
}

/** An answer without a body. */
export function emptyResponse(description: string): JsonObject {
  return { description, headers: requestIdHeader };
}

export const schemaRef = ref;

export const retryAfterStore = { 'Retry-After': { $ref: '#/components/headers/RetryAfterStore' } };
export const retryAfterVendor = { 'Retry-After': { $ref: '#/components/headers/RetryAfterVendor' } };
export const wwwAuthenticate = { 'WWW-Authenticate': { $ref: '#/components/headers/WwwAuthenticate' } };
