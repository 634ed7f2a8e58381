import * as E from 'fp-ts/lib/Either.js';

/** How one run of a port's `TaskEither` ended. */
export interface ObservedCall {
  /** The method's name: `createMeeting`, `refresh`, `findById`... */
  readonly operation: string;
  /** `ok`, the `_tag` of the failure, or `defect` when the task threw. */
  readonly outcome: string;
  readonly seconds: number;
  /** The failure itself, when there was one. */
  readonly failure?: unknown;
}

/**
 * The same port, each of whose `TaskEither`-returning methods reports how its task ended and how
 * long it ran. A Proxy rather than a class per port: methods added to a port later are observed
 * without touching this code, and nothing of the adapter (its `id`, its prototype) changes.
 * Members that are not methods, and methods that return anything but a function, pass unchanged.
 */
export function instrumented<T extends object>(
  target: T,
  observe: (call: ObservedCall) => void,
  replaced: Partial<Record<keyof T, unknown>> = {},
): T {
  const wrappers = new WeakMap<object, unknown>();
  return new Proxy(target, {
    get(object, property) {
      if (Object.hasOwn(replaced, property)) return replaced[property as keyof T];
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      const method = value as (...args: unknown[]) => unknown;
      let wrapper = wrappers.get(method);
      if (wrapper === undefined) {
        wrapper = (...args: unknown[]): unknown => {
          const result = method.apply(object, args);
          return typeof result === 'function' ? observedTask(property, result as () => Promise<unknown>, observe) : result;
        };
        wrappers.set(method, wrapper);
      }
      return wrapper;
    },
  });
}

function observedTask(operation: string, task: () => Promise<unknown>, observe: (call: ObservedCall) => void) {
  return async (): Promise<unknown> => {
    const started = process.hrtime.bigint();
    const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;
    let result: unknown;
    try {
      result = await task();
    } catch (thrown) {
      observe({ operation, outcome: 'defect', seconds: seconds(), failure: thrown });
      throw thrown;
    }
    if (isEither(result) && E.isLeft(result)) {
      observe({ operation, outcome: tagOf(result.left), seconds: seconds(), failure: result.left });
    } else {
      observe({ operation, outcome: 'ok', seconds: seconds() });
    }
    return result;
  };
}

function isEither(value: unknown): value is E.Either<unknown, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const tag = (value as { _tag?: unknown })._tag;
  return tag === 'Left' || tag === 'Right';
}

/** The failure's tag: a closed set per port, so a safe label value. */
export function tagOf(failure: unknown): string {
  const tag = typeof failure === 'object' && failure !== null ? (failure as { _tag?: unknown })._tag : undefined;
  return typeof tag === 'string' && /^[A-Za-z]{1,64}$/.test(tag) ? tag : 'failed';
}
