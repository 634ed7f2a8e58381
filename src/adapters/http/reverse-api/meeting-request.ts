import { pipe } from 'fp-ts/lib/function.js';
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';

import { DurationMinutes, type MeetingDetails, StartTime, Topic } from '../../../domain/meeting-details.js';
import { startTimeToInstant } from '../../../domain/time.js';
import type { RequestError } from '../api-problem.js';
import { describeDecodeErrors } from '../decode-report.js';

/**
 * The body of postMeeting and patchUpdateMeeting. Unknown fields are dropped (`t.exact`) so that a
 * field Pipedrive adds one day does not break us.
 */
export const MeetingRequest = t.exact(
  t.type({
    topic: Topic,
    start_time: StartTime,
    duration: DurationMinutes,
  }),
);

export function decodeMeetingRequest(body: unknown): E.Either<RequestError, MeetingDetails> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return E.left({
      _tag: 'InvalidBody',
      message: 'body: expected a JSON object with topic, start_time and duration',
    });
  }
  return pipe(
    MeetingRequest.decode(body),
    E.mapLeft((errors): RequestError => ({ _tag: 'InvalidBody', message: describeDecodeErrors(errors) })),
    E.map((request) => ({
      topic: request.topic,
      start: startTimeToInstant(request.start_time),
      durationMinutes: request.duration,
    })),
  );
}
