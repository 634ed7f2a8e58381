import Router from '@koa/router';
import { ContainerModule } from 'inversify';
import type Koa from 'koa';

import { CreateMeeting } from '../../application/meetings/create-meeting.js';
import { DeleteMeeting } from '../../application/meetings/delete-meeting.js';
import { UpdateMeeting } from '../../application/meetings/update-meeting.js';
import { CompleteInstall } from '../../application/install/complete-install.js';
import { CompleteVendorConnection } from '../../application/install/complete-vendor-connection.js';
import { CompleteVendorKey } from '../../application/install/complete-vendor-key.js';
import { StartInstall } from '../../application/install/start-install.js';
import { Uninstall } from '../../application/install/uninstall.js';
import { VideoVendor } from '../../application/ports/video-vendor.js';
import { createHttpApp } from '../../adapters/http/app.js';
import { basicCredentialsVerifier } from '../../adapters/http/basic-auth.js';
import { healthRouter } from '../../adapters/http/health-router.js';
import { installRouter } from '../../adapters/http/install/install-router.js';
import { manifestRouter } from '../../adapters/http/manifest-router.js';
import { OBSERVABILITY_ROUTES, observabilityRouter } from '../../adapters/http/observability-router.js';
import { mountedRoutes, openApiDocument } from '../../adapters/http/openapi/openapi-document.js';
import { reverseApiRouter } from '../../adapters/http/reverse-api/reverse-api-router.js';
import { HttpRouteContributor } from '../../adapters/http/route-contributor.js';
import { PrometheusMetrics } from '../../adapters/metrics/prometheus-metrics.js';
import { AppConfig } from '../config.js';
import { RootLogger, StoreReadiness } from './core.module.js';

/** The Koa application, assembled from the routers of every inbound adapter. */
export const HttpApp = Symbol('HttpApp');
export type HttpApp = Koa;

/** The routers of the inbound adapters, in the order they are mounted (`/metrics` and `/openapi.json` aside). */
export const HttpRouters = Symbol('HttpRouters');
export type HttpRouters = readonly Router[];

/** This deployment's OpenAPI document: every route it mounts. */
export const OpenApiDocument = Symbol('OpenApiDocument');
export type OpenApiDocument = object;

/** How long /readyz waits for the store before it answers 503. */
const READY_TIMEOUT_MS = 2_000;

export const httpModule = new ContainerModule(({ bind }) => {
  bind<HttpRouters>(HttpRouters)
    .toDynamicValue((context) => {
      const config = context.get<AppConfig>(AppConfig);
      const vendor = context.get<VideoVendor>(VideoVendor);
      const contributed = context.getAll<HttpRouteContributor>(HttpRouteContributor, { optional: true }) ?? [];
      const vendorRoutes = contributed.map((contributor) => {
        const router = new Router();
        contributor.register(router);
        return router;
      });
      const verifyCredentials = basicCredentialsVerifier(config.pipedrive.clientId, config.pipedrive.clientSecret);
      const logger = context.get<RootLogger>(RootLogger);
      return [
        healthRouter(context.get<StoreReadiness>(StoreReadiness), READY_TIMEOUT_MS),
        manifestRouter(config.publicBaseUrl, config.pipedrive.clientId),
        reverseApiRouter({
          createMeeting: context.get(CreateMeeting),
          updateMeeting: context.get(UpdateMeeting),
          deleteMeeting: context.get(DeleteMeeting),
          verifyCredentials,
          vendorName: vendor.displayName,
          bodyLimitBytes: config.bodyLimitBytes,
          requestTimeoutMs: config.requestTimeoutMs,
          onLateDefect: (defect) => logger.error({ err: defect }, 'unexpected error in a request already answered (504)'),
        }),
        installRouter({
          startInstall: context.get(StartInstall),
          completeInstall: context.get(CompleteInstall),
          completeVendorConnection: context.get(CompleteVendorConnection),
          completeVendorKey: context.get(CompleteVendorKey),
          ...(vendor.connection.kind === 'account_key'
            ? { vendorKey: { label: vendor.connection.keyLabel, help: vendor.connection.keyHelp } }
            : {}),
          uninstall: context.get(Uninstall),
          verifyCredentials,
          clientId: config.pipedrive.clientId,
          vendorName: vendor.displayName,
          bodyLimitBytes: config.bodyLimitBytes,
          logger,
        }),
        ...vendorRoutes,
      ];
    })
    .inSingletonScope();

  bind<OpenApiDocument>(OpenApiDocument)
    .toDynamicValue((context) => {
      const config = context.get<AppConfig>(AppConfig);
      return openApiDocument({
        publicBaseUrl: config.publicBaseUrl,
        vendorName: context.get<VideoVendor>(VideoVendor).displayName,
        metricsSecured: config.metricsToken !== undefined,
        routes: [...mountedRoutes(context.get<HttpRouters>(HttpRouters)), ...OBSERVABILITY_ROUTES],
      });
    })
    .inSingletonScope();

  bind<HttpApp>(HttpApp)
    .toDynamicValue((context) => {
      const config = context.get<AppConfig>(AppConfig);
      const metrics = context.get(PrometheusMetrics);
      const document = context.get<OpenApiDocument>(OpenApiDocument);
      return createHttpApp({
        logger: context.get<RootLogger>(RootLogger),
        trustProxy: config.trustProxy,
        observeRequest: (request) => metrics.httpRequest(request.method, request.route, request.status, request.seconds),
        routers: [
          ...context.get<HttpRouters>(HttpRouters),
          observabilityRouter({
            scrape: () => metrics.scrape(),
            metricsToken: config.metricsToken,
            openApiDocument: () => document,
          }),
        ],
      });
    })
    .inSingletonScope();
});
