import { createHmac, timingSafeEqual } from 'node:crypto';

import type Router from '@koa/router';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { Context } from 'koa';
import getRawBody from 'raw-body';

import type { DeauthorizeVendorUser } from '../../../application/install/deauthorize-vendor-user.js';
import type { Clock } from '../../../application/ports/clock.js';
import type { Logger } from '../../../application/ports/logger.js';
import { apiProblem, type RequestError } from '../../http/api-problem.js';
import { sendProblem } from '../../http/problem-response.js';
import type { HttpRouteContributor } from '../../http/route-contributor.js';

export const ZOOM_WEBHOOK_PATH = '/webhooks/zoom';

/** Zoom's notifications are a few hundred bytes; anything near this is not from Zoom. */
export const ZOOM_WEBHOOK_BODY_LIMIT_BYTES = 64 * 1024;

/**
 * How far `x-zm-request-timestamp` may be from our clock, either way: bounds how long a captured
 * notification can be replayed, while tolerating clock skew and Zoom's delivery delay.
 */
const MAX_SKEW_MS = 5 * 60_000;

const SIGNATURE_HEADER = 'x-zm-signature';
const TIMESTAMP_HEADER = 'x-zm-request-timestamp';
const SIGNATURE = /^v0=([0-9a-fA-F]{64})$/;
const EPOCH_SECONDS = /^\d{1,12}$/;

const NonEmptyString = t.refinement(t.string, (s) => s !== '', 'NonEmptyString');

const Notification = t.type({ event: t.string }, 'ZoomNotification');
const UrlValidation = t.type({ payload: t.type({ plainToken: NonEmptyString }) }, 'ZoomUrlValidation');
const AppDeauthorized = t.type({ payload: t.type({ user_id: NonEmptyString }) }, 'ZoomAppDeauthorized');

const VENDOR_NAME = 'Zoom';

/**
 * Zoom's event notifications: the endpoint check Zoom makes when the URL is saved
 * (`endpoint.url_validation`) and a user's removal of the app (`app_deauthorized`). Nothing is
 * parsed, let alone acted on, before the signature over the exact bytes received is verified.
 * Events we do not use are acknowledged, so that Zoom does not retry them.
 */
export class ZoomWebhookRoute implements HttpRouteContributor {
  constructor(
    private readonly secretToken: string,
    private readonly deauthorize: DeauthorizeVendorUser,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    // With an empty key anyone could sign: a wiring mistake, refused before the route exists.
    if (secretToken === '') throw new Error('ZoomWebhookRoute: the webhook secret token is empty');
  }

  register(router: Router): void {
    router.post(ZOOM_WEBHOOK_PATH, (ctx) => this.handle(ctx));
  }

  private async handle(ctx: Context): Promise<void> {
    const raw = await readRawBody(ctx);
    if (E.isLeft(raw)) return fail(ctx, raw.left);

    const refusal = this.signatureRefusal(ctx, raw.right);
    if (refusal !== undefined) {
      sendProblem(ctx, { status: 401, code: 'INVALID_SIGNATURE', message: refusal });
      return;
    }

    const notification = parseNotification(raw.right);
    if (E.isLeft(notification)) return fail(ctx, notification.left);
    const { event, body } = notification.right;

    switch (event) {
      case 'endpoint.url_validation': {
        const decoded = UrlValidation.decode(body);
        if (E.isLeft(decoded)) return fail(ctx, invalid('payload.plainToken: expected a non-empty string'));
        const { plainToken } = decoded.right.payload;
        ctx.status = 200;
        ctx.body = { plainToken, encryptedToken: this.hmacHex(plainToken) };
        ctx.state['outcome'] = 'URL_VALIDATED';
        this.logger.info({ event }, 'zoom webhook accepted');
        return;
      }
      case 'app_deauthorized': {
        const decoded = AppDeauthorized.decode(body);
        if (E.isLeft(decoded)) return fail(ctx, invalid('payload.user_id: expected a non-empty string'));
        const result = await this.deauthorize.execute(decoded.right.payload.user_id)();
        // Zoom retries a notification that did not get a 2xx: a store outage must not lose it.
        if (E.isLeft(result)) return fail(ctx, result.left);
        const { disconnected } = result.right;
        ctx.status = 200;
        ctx.body = { success: true, data: { disconnected } };
        ctx.state['outcome'] = 'DEAUTHORIZED';
        this.logger.info({ event, disconnected }, 'zoom webhook accepted');
        return;
      }
      default:
        ctx.status = 200;
        ctx.body = { success: true, data: { ignored: event } };
        ctx.state['outcome'] = 'IGNORED';
        this.logger.info({ event: event.slice(0, 80) }, 'zoom webhook accepted');
    }
  }

  /** Why the request is not Zoom's, as a message for the caller; `undefined` when it is. */
  private signatureRefusal(ctx: Context, raw: Buffer): string | undefined {
    const timestamp = ctx.get(TIMESTAMP_HEADER);
    const signature = ctx.get(SIGNATURE_HEADER);
    if (timestamp === '') return `${TIMESTAMP_HEADER}: is required`;
    if (!EPOCH_SECONDS.test(timestamp)) return `${TIMESTAMP_HEADER}: expected epoch seconds`;
    if (Math.abs(this.clock.now().getTime() - Number(timestamp) * 1000) > MAX_SKEW_MS) {
      return `${TIMESTAMP_HEADER}: more than 5 minutes away from our clock`;
    }
    if (signature === '') return `${SIGNATURE_HEADER}: is required`;
    const hex = SIGNATURE.exec(signature)?.[1];
    if (hex === undefined) return `${SIGNATURE_HEADER}: expected v0= and a hex HMAC-SHA256`;
    const expected = createHmac('sha256', this.secretToken)
      .update(`v0:${timestamp}:`)
      .update(raw)
      .digest();
    const given = Buffer.from(hex, 'hex');
    // Equal lengths by the pattern above; checked anyway, since timingSafeEqual throws otherwise.
    const matches = given.length === expected.length && timingSafeEqual(given, expected);
    return matches ? undefined : `${SIGNATURE_HEADER}: does not match the request`;
  }

  private hmacHex(text: string): string {
    return createHmac('sha256', this.secretToken).update(text).digest('hex');
  }
}

/** The body exactly as sent: the signature covers these bytes, not a re-serialisation of them. */
async function readRawBody(ctx: Context): Promise<E.Either<RequestError, Buffer>> {
  const declared = ctx.req.headers['content-length'];
  try {
    return E.right(
      await getRawBody(ctx.req, {
        limit: ZOOM_WEBHOOK_BODY_LIMIT_BYTES,
        ...(declared === undefined ? {} : { length: declared }),
      }),
    );
  } catch (error) {
    const type = typeof error === 'object' && error !== null && 'type' in error ? String(error.type) : '';
    if (type === 'entity.too.large') return E.left({ _tag: 'BodyTooLarge', limitBytes: ZOOM_WEBHOOK_BODY_LIMIT_BYTES });
    if (type === 'request.size.invalid') return E.left(invalid('body: shorter or longer than its Content-Length'));
    return E.left(invalid('body: could not be read'));
  }
}

function parseNotification(raw: Buffer): E.Either<RequestError, { event: string; body: unknown }> {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    const detail = error instanceof SyntaxError ? error.message : 'unreadable';
    return E.left(invalid(`body: malformed JSON (${detail})`));
  }
  const decoded = Notification.decode(body);
  if (E.isLeft(decoded)) return E.left(invalid('event: expected a string'));
  return E.right({ event: decoded.right.event, body });
}

function fail(ctx: Context, error: Parameters<typeof apiProblem>[0]): void {
  sendProblem(ctx, apiProblem(error, VENDOR_NAME));
}

const invalid = (message: string): RequestError => ({ _tag: 'InvalidBody', message });
