import type * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';

/**
 * Tasks that do their work when they run, not when they are built, like the Mongo adapter's: a use
 * case that builds a step and never runs it must not change memory either.
 */
export const later = <L, A>(work: () => A): TE.TaskEither<L, A> => TE.fromIO(work);

export const laterEither =
  <L, A>(work: () => E.Either<L, A>): TE.TaskEither<L, A> =>
  () =>
    Promise.resolve().then(work);
