import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import { Container } from 'inversify';

import { DeauthorizeVendorUser } from '../../../../src/application/install/deauthorize-vendor-user.js';
import { Clock } from '../../../../src/application/ports/clock.js';
import { Logger } from '../../../../src/application/ports/logger.js';
import { VideoVendor } from '../../../../src/application/ports/video-vendor.js';
import { HttpRouteContributor } from '../../../../src/adapters/http/route-contributor.js';
import { findVendorPlugin } from '../../../../src/adapters/vendors/registry.js';
import { decodeZoomConfig } from '../../../../src/adapters/vendors/zoom/zoom-config.js';
import { zoomPlugin } from '../../../../src/adapters/vendors/zoom/zoom-plugin.js';
import { ZoomVideoVendor } from '../../../../src/adapters/vendors/zoom/zoom-video-vendor.js';
import { ZoomWebhookRoute } from '../../../../src/adapters/vendors/zoom/zoom-webhook.js';
import { expectLeft, expectRight } from '../../../support/either.js';

const SECRETS = {
  ZOOM_CLIENT_ID: 'zoom-client-id',
  ZOOM_CLIENT_SECRET: 'zoom-client-secret-shh',
  ZOOM_WEBHOOK_SECRET_TOKEN: 'zoom-webhook-secret-shh',
};

const decode = (env: Record<string, string | undefined>, production = false) =>
  decodeZoomConfig({ env, production, publicBaseUrl: 'https://zoom.video.example.test' });

describe('Zoom configuration', () => {
  it('takes the three secrets and defaults the rest', () => {
    expect(expectRight(decode(SECRETS))).to.deep.equal({
      clientId: 'zoom-client-id',
      clientSecret: 'zoom-client-secret-shh',
      webhookSecretToken: 'zoom-webhook-secret-shh',
      oauthUrl: 'https://zoom.us',
      apiUrl: 'https://api.zoom.us/v2',
      timeoutMs: 7000,
    });
  });

  it('takes the URLs (trailing slashes dropped) and the timeout', () => {
    const config = expectRight(
      decode({ ...SECRETS, ZOOM_OAUTH_URL: 'http://127.0.0.1:4011/', ZOOM_API_URL: 'http://127.0.0.1:4011/v2/', ZOOM_TIMEOUT_MS: '2500' }),
    );
    expect(config).to.deep.include({ oauthUrl: 'http://127.0.0.1:4011', apiUrl: 'http://127.0.0.1:4011/v2', timeoutMs: 2500 });
  });

  it('says, one line each, that every missing secret is required, in production or not', () => {
    for (const production of [false, true]) {
      expect(expectLeft(decode({ ZOOM_CLIENT_SECRET: '  ' }, production))).to.deep.equal([
        'ZOOM_CLIENT_ID is required when VIDEO_VENDOR=zoom',
        'ZOOM_CLIENT_SECRET is required when VIDEO_VENDOR=zoom',
        'ZOOM_WEBHOOK_SECRET_TOKEN is required when VIDEO_VENDOR=zoom',
      ]);
    }
  });

  it('refuses bad URLs and timeouts, one line each, never echoing a secret', () => {
    const problems = expectLeft(
      decode({ ...SECRETS, ZOOM_OAUTH_URL: 'zoom.us', ZOOM_API_URL: 'https://api.zoom.us/v2?x=1', ZOOM_TIMEOUT_MS: '99' }),
    );
    expect(problems).to.have.length(3);
    expect(problems[0]).to.match(/^ZOOM_OAUTH_URL must be an http\(s\) URL/);
    expect(problems[1]).to.match(/^ZOOM_API_URL must be/);
    expect(problems[2]).to.equal('ZOOM_TIMEOUT_MS must be a whole number of milliseconds from 100 to 60000 (got "99")');
    for (const secret of Object.values(SECRETS)) expect(problems.join('\n')).not.to.include(secret);
  });

  it('refuses a timeout above a minute or not a whole number', () => {
    expect(expectLeft(decode({ ...SECRETS, ZOOM_TIMEOUT_MS: '60001' }))).to.have.length(1);
    expect(expectLeft(decode({ ...SECRETS, ZOOM_TIMEOUT_MS: '1.5' }))).to.have.length(1);
  });

  it('wants https URLs in production', () => {
    const problems = expectLeft(decode({ ...SECRETS, ZOOM_API_URL: 'http://api.zoom.us/v2' }, true));
    expect(problems).to.deep.equal([
      'ZOOM_API_URL must be an https URL without query, fragment or credentials (got "http://api.zoom.us/v2")',
    ]);
  });
});

describe('Zoom plugin', () => {
  it('is registered as VIDEO_VENDOR=zoom', () => {
    expect(findVendorPlugin('zoom')).to.equal(zoomPlugin);
    expect(zoomPlugin.variables).to.include.members(['ZOOM_CLIENT_ID', 'ZOOM_CLIENT_SECRET', 'ZOOM_WEBHOOK_SECRET_TOKEN']);
  });

  it('binds the Zoom vendor and its webhook route', () => {
    const config = expectRight(decode(SECRETS));
    const container = new Container({ defaultScope: 'Singleton' });
    container.bind(Clock).toConstantValue({ now: () => new Date() });
    const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
    container.bind(Logger).toConstantValue(silent);
    container.bind(DeauthorizeVendorUser).toConstantValue({} as DeauthorizeVendorUser);
    container.load(zoomPlugin.module(config));

    const vendor = container.get<VideoVendor>(VideoVendor);
    expect(vendor).to.be.instanceOf(ZoomVideoVendor);
    expect(vendor.connection.kind).to.equal('oauth');
    const routes = container.getAll<HttpRouteContributor>(HttpRouteContributor);
    expect(routes.some((route) => route instanceof ZoomWebhookRoute)).to.be.true;
    expect(E.isRight(zoomPlugin.decodeConfig({ env: SECRETS, production: true, publicBaseUrl: 'https://x.test' }))).to.be.true;
  });
});
