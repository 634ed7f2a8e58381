import Router from '@koa/router';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { Context, Next } from 'koa';

import type { CreateMeeting } from '../../../application/meetings/create-meeting.js';
import type { DeleteMeeting } from '../../../application/meetings/delete-meeting.js';
import type { MeetingUseCaseError } from '../../../application/meetings/errors.js';
import type { UpdateMeeting } from '../../../application/meetings/update-meeting.js';
import { linkNotFound, meetingNotFound } from '../../../domain/errors.js';
import { LinkId, MeetingId } from '../../../domain/ids.js';
import type { Meeting } from '../../../domain/meeting.js';
import { apiProblem, type RequestError } from '../api-problem.js';
import { readJsonBody } from '../json-body.js';
import { REVERSE_API_PATHS } from '../manifest.js';
import { sendProblem } from '../problem-response.js';
import { decodeMeetingRequest } from './meeting-request.js';

export interface ReverseApiOptions {
  readonly createMeeting: CreateMeeting;
  readonly updateMeeting: UpdateMeeting;
  readonly deleteMeeting: DeleteMeeting;
  /** True when the Authorization header carries this app's client id and secret. */
  readonly verifyCredentials: (authorization: string | undefined) => boolean;
  readonly vendorName: string;
  readonly bodyLimitBytes: number;
  /** The whole budget of one call, from its arrival, vendor and store included; past it the answer is 504. */
  readonly requestTimeoutMs: number;
  /** Told about a use case that threw after its request had already been answered (504). */
  readonly onLateDefect: (defect: unknown) => void;
}

/** The three endpoints of the manifest: what Pipedrive calls when a video call is added, changed or removed. */
export function reverseApiRouter(options: ReverseApiOptions): Router {
  const router = new Router();
  const fail = (ctx: Context, error: MeetingUseCaseError | RequestError): void =>
    sendProblem(ctx, apiProblem(error, options.vendorName));

  // Credentials are checked before anything else is read, parsed or looked up.
  const authenticated = async (ctx: Context, next: Next): Promise<void> => {
    if (!options.verifyCredentials(ctx.get('authorization') || undefined)) {
      fail(ctx, { _tag: 'Unauthorized' });
      return;
    }
    await next();
  };

  /**
   * Runs a use case within the request's budget. Whatever the use case waits on (the vendor, the
   * store, another change of the same meeting), the answer leaves when the budget is spent: a 504
   * before Pipedrive gives up, never a hang. The use case itself sees the same signal and knows
   * that an answer it finds later will not be heard (a late create is undone).
   */
  const run = async <A>(
    ctx: Context,
    signal: AbortSignal,
    task: TE.TaskEither<MeetingUseCaseError, A>,
    succeed: (value: A) => void,
  ): Promise<void> => {
    const running = task();
    // Past the budget nobody awaits it any more; a defect it throws then is still logged.
    running.catch((defect: unknown) => options.onLateDefect(defect));
    const result = await Promise.race([running, budgetSpent(signal, options.requestTimeoutMs)]);
    if (E.isLeft(result)) fail(ctx, result.left);
    else succeed(result.right);
  };

  router.post(REVERSE_API_PATHS.postMeeting, authenticated, async (ctx) => {
    const signal = AbortSignal.timeout(options.requestTimeoutMs);
    const linkId = decodeLinkId(ctx.params['linkId']);
    if (E.isLeft(linkId)) return fail(ctx, linkId.left);
    const details = await meetingDetails(ctx, options.bodyLimitBytes);
    if (E.isLeft(details)) return fail(ctx, details.left);
    await run(ctx, signal, options.createMeeting.execute({ linkId: linkId.right, details: details.right, signal }), (meeting) => {
      ctx.status = 201;
      ctx.body = { success: true, data: createdMeetingData(meeting) };
      ctx.state['outcome'] = 'CREATED';
    });
  });

  router.patch(REVERSE_API_PATHS.patchUpdateMeeting, authenticated, async (ctx) => {
    const signal = AbortSignal.timeout(options.requestTimeoutMs);
    const ids = decodeIds(ctx.params['linkId'], ctx.params['meetingId']);
    if (E.isLeft(ids)) return fail(ctx, ids.left);
    const details = await meetingDetails(ctx, options.bodyLimitBytes);
    if (E.isLeft(details)) return fail(ctx, details.left);
    await run(ctx, signal, options.updateMeeting.execute({ ...ids.right, details: details.right, signal }), () => {
      ctx.status = 204;
      ctx.state['outcome'] = 'UPDATED';
    });
  });

  router.delete(REVERSE_API_PATHS.deleteMeeting, authenticated, async (ctx) => {
    const signal = AbortSignal.timeout(options.requestTimeoutMs);
    const ids = decodeIds(ctx.params['linkId'], ctx.params['meetingId']);
    if (E.isLeft(ids)) return fail(ctx, ids.left);
    await run(ctx, signal, options.deleteMeeting.execute({ ...ids.right, signal }), () => {
      ctx.status = 204;
      ctx.state['outcome'] = 'DELETED';
    });
  });

  return router;
}

/** Resolves with a 504's cause once `signal` aborts. */
function budgetSpent(signal: AbortSignal, budgetMs: number): Promise<E.Either<MeetingUseCaseError, never>> {
  const spent = (): E.Either<MeetingUseCaseError, never> =>
    E.left({ _tag: 'VendorTimeout', message: `the request did not finish within its ${budgetMs} ms budget` });
  if (signal.aborted) return Promise.resolve(spent());
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(spent()), { once: true }));
}

/** Exactly the keys the contract allows; `password` left out, not null, when there is none. */
function createdMeetingData(meeting: Meeting): Record<string, string> {
  return {
    meeting_id: meeting.meetingId,
    join_url: meeting.joinUrl,
    ...(meeting.password === undefined ? {} : { password: meeting.password }),
    invitation: meeting.invitation,
  };
}

async function meetingDetails(ctx: Context, limitBytes: number) {
  const body = await readJsonBody(ctx.req, limitBytes);
  return E.isLeft(body) ? body : decodeMeetingRequest(body.right);
}

function decodeLinkId(raw: string | undefined): E.Either<MeetingUseCaseError, LinkId> {
  const value = raw ?? '';
  return LinkId.is(value) ? E.right(value) : E.left(linkNotFound(value, 'malformed'));
}

function decodeIds(
  rawLinkId: string | undefined,
  rawMeetingId: string | undefined,
): E.Either<MeetingUseCaseError, { linkId: LinkId; meetingId: MeetingId }> {
  const linkId = decodeLinkId(rawLinkId);
  if (E.isLeft(linkId)) return linkId;
  const meetingId = rawMeetingId ?? '';
  return MeetingId.is(meetingId)
    ? E.right({ linkId: linkId.right, meetingId })
    : E.left(meetingNotFound(meetingId, 'malformed'));
}
