import { inspect } from 'node:util';

import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import * as O from 'fp-ts/lib/Option.js';

/**
 * Unwrapping assertions that print what was there instead, so a failing test says "Left
 * StoreUnavailable: ..." rather than "expected false to be true".
 */

const show = (value: unknown): string => inspect(value, { depth: 6, breakLength: 120 });

export function expectRight<E, A>(either: E.Either<E, A>): A {
  if (E.isLeft(either)) expect.fail(`expected a Right, got Left ${show(either.left)}`);
  return either.right;
}

export function expectLeft<E, A>(either: E.Either<E, A>): E {
  if (E.isRight(either)) expect.fail(`expected a Left, got Right ${show(either.right)}`);
  return either.left;
}

export function expectSome<A>(option: O.Option<A>): A {
  if (O.isNone(option)) expect.fail('expected Some, got None');
  return option.value;
}

export function expectNone<A>(option: O.Option<A>): void {
  if (O.isSome(option)) expect.fail(`expected None, got Some ${show(option.value)}`);
}
