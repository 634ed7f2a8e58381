/** The current time, injected so rules that depend on it can be tested at any instant. */
export interface Clock {
  now(): Date;
}
export const Clock = Symbol('Clock');
