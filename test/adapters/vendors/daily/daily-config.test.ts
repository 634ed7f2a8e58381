import { expect } from 'chai';
import { Container } from 'inversify';

import { VideoVendor } from '../../../../src/application/ports/video-vendor.js';
import { decodeDailyConfig } from '../../../../src/adapters/vendors/daily/daily-config.js';
import { dailyPlugin } from '../../../../src/adapters/vendors/daily/daily-plugin.js';
import { DailyVideoVendor } from '../../../../src/adapters/vendors/daily/daily-video-vendor.js';
import { findVendorPlugin } from '../../../../src/adapters/vendors/registry.js';
import { expectLeft, expectRight } from '../../../support/either.js';

const KEY = 'daily-deployment-key-shh';

const decode = (env: Record<string, string | undefined>, production = false) =>
  decodeDailyConfig({ env, production, publicBaseUrl: 'https://daily.video.example.test' });

describe('Daily configuration', () => {
  it('is registered as VIDEO_VENDOR=daily', () => {
    expect(findVendorPlugin('daily')?.displayName).to.equal('Daily');
  });

  it('needs nothing and defaults everything', () => {
    expect(expectRight(decode({}, true))).to.deep.equal({
      apiUrl: 'https://api.daily.co/v1',
      timeoutMs: 7000,
      joinEarlyMinutes: 15,
      joinLateMinutes: 60,
    });
  });

  it('takes every variable (trailing slash dropped, blank as unset)', () => {
    expect(
      expectRight(
        decode({
          DAILY_API_URL: 'http://127.0.0.1:4012/v1/',
          DAILY_API_KEY: ` ${KEY} `,
          DAILY_TIMEOUT_MS: '2500',
          DAILY_JOIN_EARLY_MINUTES: '0',
          DAILY_JOIN_LATE_MINUTES: '5',
        }),
      ),
    ).to.deep.equal({ apiUrl: 'http://127.0.0.1:4012/v1', apiKey: KEY, timeoutMs: 2500, joinEarlyMinutes: 0, joinLateMinutes: 5 });
    expect(expectRight(decode({ DAILY_API_KEY: '   ' }))).not.to.have.property('apiKey');
  });

  it('refuses each invalid value in one line, never showing the key', () => {
    const problems = expectLeft(
      decode(
        {
          DAILY_API_URL: 'http://api.daily.co/v1',
          DAILY_API_KEY: `${KEY} with spaces`,
          DAILY_TIMEOUT_MS: '99',
          DAILY_JOIN_EARLY_MINUTES: '-1',
          DAILY_JOIN_LATE_MINUTES: '10081',
        },
        true,
      ),
    );
    expect(problems).to.deep.equal([
      'DAILY_API_URL must be an https URL without query, fragment or credentials (got "http://api.daily.co/v1")',
      'DAILY_API_KEY must be printable ASCII without spaces (it is not shown)',
      'DAILY_TIMEOUT_MS must be a whole number of milliseconds from 100 to 60000 (got "99")',
      'DAILY_JOIN_EARLY_MINUTES must be a whole number of minutes from 0 to 10080 (got "-1")',
      'DAILY_JOIN_LATE_MINUTES must be a whole number of minutes from 0 to 10080 (got "10081")',
    ]);
    expect(problems.join('\n')).not.to.include(KEY);
  });

  it('connects nobody with DAILY_API_KEY, and asks each user for a key without it', () => {
    const kind = (env: Record<string, string>): string => {
      const container = new Container();
      container.load(dailyPlugin.module(expectRight(dailyPlugin.decodeConfig({ env, production: true, publicBaseUrl: 'https://x.test' }))));
      const vendor = container.get<VideoVendor>(VideoVendor);
      expect(vendor).to.be.instanceOf(DailyVideoVendor);
      return vendor.connection.kind;
    };
    expect(kind({ DAILY_API_KEY: KEY })).to.equal('none');
    expect(kind({})).to.equal('account_key');
  });
});
