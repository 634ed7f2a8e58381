import { generateKeyPairSync } from 'node:crypto';

import { expect } from 'chai';

import { decodeJitsiConfig } from '../../../../src/adapters/vendors/jitsi/jitsi-config.js';
import { findVendorPlugin } from '../../../../src/adapters/vendors/registry.js';
import { expectLeft, expectRight } from '../../../support/either.js';

const PUBLIC_BASE_URL = 'https://jitsi.video.example.test';
const decode = (env: Record<string, string | undefined>, production = false) =>
  decodeJitsiConfig({ env, production, publicBaseUrl: PUBLIC_BASE_URL });

const pem = (type: 'rsa' | 'ec', format: 'pkcs8' | 'pkcs1' = 'pkcs8', modulusLength = 2048): string =>
  type === 'rsa'
    ? generateKeyPairSync('rsa', {
        modulusLength,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: format, format: 'pem' },
      }).privateKey
    : generateKeyPairSync('ec', {
        namedCurve: 'P-256',
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      }).privateKey;

const RSA_PEM = pem('rsa');
const JAAS = { JITSI_MODE: 'jaas', JAAS_APP_ID: 'vpaas-magic-cookie-abc', JAAS_API_KEY_ID: 'vpaas-magic-cookie-abc/k1', JAAS_PRIVATE_KEY: RSA_PEM };
const SELFHOSTED = {
  JITSI_MODE: 'selfhosted',
  JITSI_BASE_URL: 'https://Meet.Example.COM/',
  JITSI_APP_ID: 'pipedrive',
  JITSI_APP_SECRET: 'prosody-secret-shh',
};

describe('Jitsi configuration', () => {
  it('is registered as VIDEO_VENDOR=jitsi', () => {
    expect(findVendorPlugin('jitsi')?.displayName).to.equal('Jitsi Meet');
  });

  it('defaults to public rooms on meet.jit.si, everyone moderating, 15 minutes early and 60 late', () => {
    expect(expectRight(decode({}))).to.deep.equal({
      auth: { mode: 'public' },
      baseUrl: 'https://meet.jit.si',
      publicBaseUrl: PUBLIC_BASE_URL,
      moderator: 'everyone',
      joinEarlyMinutes: 15,
      joinLateMinutes: 60,
    });
  });

  it('takes the settings', () => {
    const config = expectRight(
      decode({ JITSI_BASE_URL: 'https://jitsi.example.org/', JITSI_MODERATOR: 'none', JITSI_JOIN_EARLY_MINUTES: '0', JITSI_JOIN_LATE_MINUTES: '5' }),
    );
    expect(config).to.deep.include({ baseUrl: 'https://jitsi.example.org', moderator: 'none', joinEarlyMinutes: 0, joinLateMinutes: 5 });
  });

  it('jaas: defaults to 8x8.vc and keeps the tenant, key id and key', () => {
    const config = expectRight(decode(JAAS, true));
    expect(config.baseUrl).to.equal('https://8x8.vc');
    expect(config.auth).to.deep.equal({
      mode: 'jaas',
      appId: 'vpaas-magic-cookie-abc',
      apiKeyId: 'vpaas-magic-cookie-abc/k1',
      privateKeyPem: RSA_PEM,
    });
  });

  it('jaas: accepts a key written on one line with \\n escapes', () => {
    const oneLine = RSA_PEM.trim().replace(/\n/g, '\\n');
    const config = expectRight(decode({ ...JAAS, JAAS_PRIVATE_KEY: oneLine }));
    expect(config.auth).to.deep.include({ privateKeyPem: RSA_PEM });
  });

  it('selfhosted: the host name is the subject, the audience defaults to the app id', () => {
    const config = expectRight(decode(SELFHOSTED, true));
    expect(config.baseUrl).to.equal('https://Meet.Example.COM');
    expect(config.auth).to.deep.equal({
      mode: 'selfhosted',
      appId: 'pipedrive',
      appSecret: 'prosody-secret-shh',
      audience: 'pipedrive',
      subject: 'meet.example.com',
    });
    expect(expectRight(decode({ ...SELFHOSTED, JITSI_TOKEN_AUDIENCE: 'jitsi' })).auth).to.deep.include({ audience: 'jitsi' });
  });

  it('jaas: one line per missing variable', () => {
    expect(expectLeft(decode({ JITSI_MODE: 'jaas', JAAS_API_KEY_ID: '  ' }))).to.deep.equal([
      'JAAS_APP_ID is required when JITSI_MODE=jaas',
      'JAAS_API_KEY_ID is required when JITSI_MODE=jaas',
      'JAAS_PRIVATE_KEY is required when JITSI_MODE=jaas',
    ]);
    for (const name of ['JAAS_APP_ID', 'JAAS_API_KEY_ID', 'JAAS_PRIVATE_KEY']) {
      expect(expectLeft(decode({ ...JAAS, [name]: undefined }))).to.deep.equal([`${name} is required when JITSI_MODE=jaas`]);
    }
  });

  it('selfhosted: one line per missing variable, the base URL included', () => {
    expect(expectLeft(decode({ JITSI_MODE: 'selfhosted' }))).to.deep.equal([
      'JITSI_BASE_URL is required when JITSI_MODE=selfhosted',
      'JITSI_APP_ID is required when JITSI_MODE=selfhosted',
      'JITSI_APP_SECRET is required when JITSI_MODE=selfhosted',
    ]);
    for (const name of ['JITSI_BASE_URL', 'JITSI_APP_ID', 'JITSI_APP_SECRET']) {
      expect(expectLeft(decode({ ...SELFHOSTED, [name]: '' }))).to.deep.equal([`${name} is required when JITSI_MODE=selfhosted`]);
    }
  });

  it('public mode needs none of the token variables', () => {
    expectRight(decode({ JITSI_MODE: 'public' }, true));
  });

  const unreadable: readonly (readonly [string, string, RegExp])[] = [
    ['text that is no key', 'not a key', /must be an RSA private key in PKCS#8 PEM form/],
    ['a damaged PKCS#8 PEM', RSA_PEM.replace(/\n[A-Za-z0-9+/]{10}/, '\n'), /could not be read/],
    ['a PKCS#1 key', pem('rsa', 'pkcs1'), /openssl pkcs8 -topk8 -nocrypt/],
    ['an EC key', pem('ec'), /it is a ec key/],
    ['a 1024-bit key', pem('rsa', 'pkcs8', 1024), /at least 2048 bits; it has 1024/],
  ];
  for (const [what, value, message] of unreadable) {
    it(`jaas: refuses ${what} in one line that does not show the key`, () => {
      const problems = expectLeft(decode({ ...JAAS, JAAS_PRIVATE_KEY: value }));
      expect(problems).to.have.length(1);
      expect(problems[0]).to.match(/^JAAS_PRIVATE_KEY must be an RSA private key/).and.match(message);
      expect(problems[0]).not.to.contain('MII').and.not.contain('\n');
    });
  }

  it('refuses an unknown mode in one line', () => {
    expect(expectLeft(decode({ JITSI_MODE: 'jwt' }))).to.deep.equal([
      'JITSI_MODE must be one of public, jaas, selfhosted (got "jwt")',
    ]);
  });

  it('refuses bad settings, one line each, never echoing the secret', () => {
    const problems = expectLeft(
      decode(
        {
          ...SELFHOSTED,
          JITSI_BASE_URL: 'http://meet.example.com',
          JITSI_MODERATOR: 'host',
          JITSI_JOIN_EARLY_MINUTES: '-5',
          JITSI_JOIN_LATE_MINUTES: 'an hour',
        },
        true,
      ),
    );
    expect(problems).to.deep.equal([
      'JITSI_BASE_URL must be an https URL without query, fragment or credentials (got "http://meet.example.com")',
      'JITSI_MODERATOR must be everyone or none (got "host")',
      'JITSI_JOIN_EARLY_MINUTES must be a whole number of minutes from 0 to 10080 (got "-5")',
      'JITSI_JOIN_LATE_MINUTES must be a whole number of minutes from 0 to 10080 (got "an hour")',
    ]);
    expect(problems.join('\n')).not.to.contain('prosody-secret-shh');
  });
});
