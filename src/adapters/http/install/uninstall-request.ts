import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as t from 'io-ts';

import { PipedriveId } from '../../../domain/ids.js';
import type { RequestError } from '../api-problem.js';
import { describeDecodeErrors } from '../decode-report.js';

/** A Pipedrive id as it arrives on uninstall: a number, or a string of digits. */
const IdFromNumberOrString = new t.Type<PipedriveId, unknown, unknown>(
  'PipedriveId',
  PipedriveId.is,
  (input, context) => {
    const n = typeof input === 'string' && /^\d{1,15}$/.test(input) ? Number(input) : input;
    return PipedriveId.validate(n, context);
  },
  (id) => id,
);

/** ISO 8601 text or epoch seconds: the timestamp is informational, but it must be one of those. */
const Timestamp = new t.Type<Date, unknown, unknown>(
  'Timestamp',
  (u): u is Date => u instanceof Date,
  (input, context) => {
    if (typeof input === 'number' && Number.isFinite(input) && input > 0) return t.success(new Date(input * 1000));
    if (typeof input === 'string' && /^\d{1,12}$/.test(input)) return t.success(new Date(Number(input) * 1000));
    if (typeof input === 'string' && !Number.isNaN(Date.parse(input))) return t.success(new Date(input));
    return t.failure(input, context, 'an ISO 8601 date-time or epoch seconds');
  },
  (date) => date,
);

const UninstallBody = t.type({
  client_id: t.string,
  company_id: IdFromNumberOrString,
  user_id: IdFromNumberOrString,
  timestamp: Timestamp,
});

export interface UninstallRequest {
  readonly clientId: string;
  readonly companyId: PipedriveId;
  readonly userId: PipedriveId;
}

export function decodeUninstallRequest(body: unknown, expectedClientId: string): E.Either<RequestError, UninstallRequest> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return E.left({ _tag: 'InvalidBody', message: 'body: expected a JSON object with client_id, company_id, user_id and timestamp' });
  }
  return pipe(
    UninstallBody.decode(body),
    E.mapLeft((errors): RequestError => ({ _tag: 'InvalidBody', message: describeDecodeErrors(errors) })),
    E.flatMap((decoded) =>
      decoded.client_id === expectedClientId
        ? E.right({ clientId: decoded.client_id, companyId: decoded.company_id, userId: decoded.user_id })
        : E.left<RequestError>({ _tag: 'InvalidBody', message: 'client_id: is not this app’s client id' }),
    ),
  );
}
