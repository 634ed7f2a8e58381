import Router from '@koa/router';
import * as E from 'fp-ts/lib/Either.js';
import type { Context } from 'koa';

import type { CompleteInstall } from '../../../application/install/complete-install.js';
import type { CompleteVendorConnection } from '../../../application/install/complete-vendor-connection.js';
import type { CompleteVendorKey } from '../../../application/install/complete-vendor-key.js';
import type { InstallError, InstallRedirect } from '../../../application/install/errors.js';
import type { StartInstall } from '../../../application/install/start-install.js';
import type { Uninstall } from '../../../application/install/uninstall.js';
import type { Logger } from '../../../application/ports/logger.js';
import { apiProblem } from '../api-problem.js';
import { readFormBody } from '../form-body.js';
import { readJsonBody } from '../json-body.js';
import { sendProblem } from '../problem-response.js';
import { installedPage, installFailurePage, redirectPage, renderInstallPage } from './install-pages.js';
import { decodeUninstallRequest } from './uninstall-request.js';
import { VENDOR_KEY_PATH, vendorKeyPage } from './vendor-key-page.js';

export interface InstallRouterOptions {
  readonly startInstall: StartInstall;
  readonly completeInstall: CompleteInstall;
  readonly completeVendorConnection: CompleteVendorConnection;
  readonly completeVendorKey: CompleteVendorKey;
  /** What the key form calls the key, and where to find it; absent unless the vendor takes a key. */
  readonly vendorKey?: { readonly label: string; readonly help: string };
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
      ctx.type = 'html';
      ctx.body = redirectPage(result.right.redirectTo);
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

  const vendorKey = options.vendorKey;
  if (vendorKey !== undefined) {
    const showForm = (ctx: Context, state: string, status: number, error?: string): void => {
      ctx.state['page'] = true;
      ctx.status = status;
      ctx.type = 'html';
      ctx.body = vendorKeyPage({
        vendorName: options.vendorName,
        keyLabel: vendorKey.label,
        keyHelp: vendorKey.help,
        state,
        ...(error === undefined ? {} : { error }),
      });
    };

    router.get(VENDOR_KEY_PATH, async (ctx) => {
      const state = typeof ctx.query['state'] === 'string' ? ctx.query['state'] : undefined;
      const checked = await options.completeVendorKey.formState(state)();
      if (E.isLeft(checked)) return finish(ctx, checked);
      showForm(ctx, state ?? '', 200);
    });

    router.post(VENDOR_KEY_PATH, async (ctx) => {
      const form = await readFormBody(ctx.req, options.bodyLimitBytes);
      if (E.isLeft(form)) {
        // Not our form (wrong type, too large): nothing to go on, so the install starts over.
        finish(ctx, E.left({ _tag: 'OAuthStateInvalid', reason: 'malformed' }));
        return;
      }
      const result = await options.completeVendorKey.execute({
        state: form.right.get('state') ?? undefined,
        key: form.right.get('key') ?? undefined,
      })();
      if (E.isLeft(result) && result.left._tag === 'VendorKeyInvalid') {
        ctx.state['outcome'] = 'VENDOR_KEY_INVALID';
        const error =
          result.left.reason === 'missing'
            ? `Enter your ${vendorKey.label}.`
            : `${options.vendorName} did not accept this key. Check that it is complete and still active.`;
        showForm(ctx, result.left.retryState, 400, error);
        return;
      }
      if (E.isRight(result)) {
        // Not a redirect: browsers hold a form's redirects to the CSP's form-action ('self'), and
        // Pipedrive is elsewhere. The person reads what happens next and follows the link instead.
        ctx.state['page'] = true;
        ctx.state['outcome'] = 'INSTALLED';
        const view = installedPage(options.vendorName, result.right.redirectTo);
        ctx.status = view.status;
        ctx.type = 'html';
        ctx.body = renderInstallPage(view);
        return;
      }
      finish(ctx, result);
    });
  }

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
