import type { Context } from 'koa';

import type { ApiProblem } from './api-problem.js';

/** Writes the contract's error body. The code is remembered for the request's log line. */
export function sendProblem(ctx: Context, problem: ApiProblem): void {
  ctx.status = problem.status;
  for (const [name, value] of Object.entries(problem.headers ?? {})) ctx.set(name, value);
  ctx.body = { success: false, error: { code: problem.code, message: problem.message } };
  ctx.state['outcome'] = problem.code;
}
