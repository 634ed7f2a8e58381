/**
 * The little the application says about itself: things an operator must know even though the
 * caller got a clean answer (a compensation that failed, say). Structurally a subset of pino's API.
 */
export interface Logger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}
export const Logger = Symbol('Logger');
