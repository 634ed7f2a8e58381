import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { MongoError, MongoServerError } from 'mongodb';

import { type StoreUnavailable, storeUnavailable } from '../../../domain/errors.js';

/**
 * The one place where a thrown driver error becomes a value.
 *
 * Every `MongoError` (network, server selection, not-primary, closed pool or topology, timeouts,
 * and the server refusing a command) is the store failing us: the caller can only report it and
 * retry later, so it is `StoreUnavailable`, with a message that says which operation failed and
 * why. Anything that is not a driver error (a document that does not decode, a `TypeError`, a BSON
 * serialisation error) is a defect in our code or data and is rethrown untouched, so that it
 * reaches the defect handler instead of hiding behind a 503.
 */
export function toStoreUnavailable(operation: string, error: unknown): StoreUnavailable {
  if (isSocketError(error)) {
    return storeUnavailable(`${operation} failed: the connection to the store broke (${error.code})`);
  }
  if (!(error instanceof MongoError)) throw error;
  const code = error.code === undefined ? '' : ` (code ${String(error.code)})`;
  return storeUnavailable(`${operation} failed: ${error.name}${code}: ${withoutConnectionStrings(error.message)}`);
}

const SOCKET_ERRORS = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * When the server goes away mid-write, driver 7 sometimes lets the socket's own error (EPIPE)
 * through instead of wrapping it in a `MongoNetworkError`. It is the store failing, not a defect.
 */
function isSocketError(error: unknown): error is Error & { code: string } {
  if (!(error instanceof Error) || error instanceof MongoError) return false;
  const code: unknown = (error as Error & { code?: unknown }).code;
  return typeof code === 'string' && SOCKET_ERRORS.has(code);
}

/** A unique index refused a write: expected on link insert, a defect anywhere else. */
export const isDuplicateKey = (error: unknown): error is MongoServerError =>
  error instanceof MongoServerError && error.code === 11000;

/**
 * Runs `work` only when the task runs (a task built and dropped must not touch the store) and
 * turns driver failures into `StoreUnavailable`.
 */
export const guarded =
  <A>(operation: string, work: () => Promise<A>): TE.TaskEither<StoreUnavailable, A> =>
  async () => {
    try {
      return E.right(await work());
    } catch (error) {
      return E.left(toStoreUnavailable(operation, error));
    }
  };

/**
 * Driver messages carry host names but should never carry a connection string; this is the
 * guarantee should one ever do so, because these messages end up in logs and answers. (The adapter
 * cannot use the infrastructure's `redactMongoUri`: adapters do not depend on infrastructure.)
 */
const withoutConnectionStrings = (message: string): string =>
  message.replace(/mongodb(?:\+srv)?:\/\/\S*/gi, '<connection string>');
