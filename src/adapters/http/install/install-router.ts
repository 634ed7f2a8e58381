import Router from '@koa/router';
import * as E from 'fp-ts/lib/Either.js';
import type { Context } from 'koa';

import type { CompleteInstall } from '../../../application/install/complete-install.js';
import type { CompleteVendorConnection } from '../../../application/install/complete-vendor-connection.js';
import type { InstallError, InstallRedirect } from '../../../application/install/errors.js';
import type { StartInstall } from '../../../application/install/start-install.js';
import type { Uninstall } from '../../../application/install/uninstall.js';
import type { Logger } from '../../../application/ports/logger.js';
import { apiProblem } from '../api-problem.js';
import { readJsonBody } from '../json-body.js';
import { sendProblem } from '../problem-response.js';
import { installFailurePage, renderInstallPage } from './install-pages.js';
import { decodeUninstallRequest } from './uninstall-request.js';

export interface InstallRouterOptions {
  readonly startInstall: StartInstall;
  readonly completeInstall: CompleteInstall;
  readonly completeVendorConnection: CompleteVendorConnection;
  readonly uninstall: Uninstall;
  readonly verifyCredentials: (authorization: string | undefined) => boolean;
  readonly clientId: string;
  readonly vendorName: string;
  readonly bodyLimitBytes: number;
  readonly logger: Logger;
}

/** The browser's side of the install, and Pipedrive's uninstall call, on the one Callback URL. */
export function installRouter(options: InstallRouterOptions): Router {
  const router = new Router();

  const finish = (ctx: Context, result: E.Either<InstallError, InstallRedirect>): void => {
    if (E.isRight(result)) {
      ctx.state['outcome'] = 'REDIRECTED';
      ctx.redirect(result.right.redirectTo);
      return;
    }
    const reference = String(ctx.state['requestId'] ?? '');
    const view = installFailurePage(result.left, options.vendorName, reference);
    ctx.state['page'] = true;
    ctx.state['outcome'] = result.left._tag;
    const detail = 'error' in result.left ? result.left.error : result.left;
    (view.status >= 500 ? options.logger.error : options.logger.warn).call(
      options.logger,
      { requestId: reference, failure: result.left._tag, detail },
      'install step failed',
    );
    ctx.status = view.status;
    ctx.type = 'html';
    ctx.body = renderInstallPage(view);
  };

  router.get('/oauth/install', async (ctx) => {
    finish(ctx, await options.startInstall.execute()());
  });

  router.get('/oauth/callback', async (ctx) => {
    const query = callbackQuery(ctx);
    finish(ctx, E.isLeft(query) ? query : await options.completeInstall.execute(query.right)());
  });

  router.get('/oauth/vendor/callback', async (ctx) => {
    const query = callbackQuery(ctx);
    finish(ctx, E.isLeft(query) ? query : await options.completeVendorConnection.execute(query.right)());
  });

  router.delete('/oauth/callback', async (ctx) => {
    if (!options.verifyCredentials(ctx.get('authorization') || undefined)) {
      sendProblem(ctx, apiProblem({ _tag: 'Unauthorized' }, options.vendorName));
      return;
    }
    const body = await readJsonBody(ctx.req, options.bodyLimitBytes);
    const request = E.isLeft(body) ? body : decodeUninstallRequest(body.right, options.clientId);
    if (E.isLeft(request)) {
      sendProblem(ctx, apiProblem(request.left, options.vendorName));
      return;
    }
    const result = await options.uninstall.execute(request.right.companyId, request.right.userId)();
    if (E.isLeft(result)) {
      sendProblem(ctx, apiProblem(result.left, options.vendorName));
      return;
    }
    ctx.status = 200;
    ctx.body = { success: true, data: { removed: result.right.removed } };
    ctx.state['outcome'] = result.right.removed ? 'UNINSTALLED' : 'ALREADY_UNINSTALLED';
  });

  return router;
}

/**
 * The OAuth callback's query. A parameter given twice is refused outright: read as "absent", a
 * doubled `state` would skip the state check.
 */
function callbackQuery(ctx: Context): E.Either<InstallError, { code?: string; state?: string; error?: string }> {
  const values: Record<string, string> = {};
  for (const name of ['code', 'state', 'error']) {
    const value = ctx.query[name];
    if (Array.isArray(value)) return E.left({ _tag: 'OAuthStateInvalid', reason: 'malformed' });
    if (typeof value === 'string') values[name] = value;
  }
  return E.right(values);
}
