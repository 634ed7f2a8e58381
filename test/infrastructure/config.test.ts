import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';

import { vendorPlugins } from '../../src/adapters/vendors/registry.js';
import { type AppConfig, DEVELOPMENT_CLIENT_ID, type Env, loadConfig } from '../../src/infrastructure/config.js';

const KEY = Buffer.alloc(32, 7).toString('base64url');
const PRODUCTION: Env = {
  NODE_ENV: 'production',
  PUBLIC_BASE_URL: 'https://video.example.com',
  PIPEDRIVE_CLIENT_ID: 'id',
  PIPEDRIVE_CLIENT_SECRET: 'secret',
  MONGODB_URI: 'mongodb://db.internal:27017',
  ENCRYPTION_KEY: KEY,
};

function loaded(env: Env): AppConfig {
  const result = loadConfig(env, vendorPlugins);
  if (E.isLeft(result)) throw new Error(`unexpected problems: ${result.left.join(' | ')}`);
  return result.right;
}

function problems(env: Env): readonly string[] {
  const result = loadConfig(env, vendorPlugins);
  if (E.isRight(result)) throw new Error('expected the configuration to be refused');
  return result.left;
}

describe('configuration from the environment', () => {
  it('runs with no environment at all on development defaults: stub vendor, memory store, port 3000', () => {
    const config = loaded({});
    expect(config.production).to.equal(false);
    expect(config.port).to.equal(3000);
    expect(config.publicBaseUrl).to.equal('http://localhost:3000');
    expect(config.vendor.id).to.equal('stub');
    expect(config.mongo).to.equal(undefined);
    expect(config.mongoDbName).to.equal('pipedrive_video_stub');
    expect(config.pipedrive.clientId).to.equal(DEVELOPMENT_CLIENT_ID);
    expect(config.pipedrive.developmentCredentials).to.equal(true);
    expect(config.pipedrive.oauthUrl).to.equal('https://oauth.pipedrive.com');
    expect(config.encryptionKey).to.have.length(32);
    expect(config.requestTimeoutMs).to.equal(8000);
  });

  it('reads every contract variable', () => {
    const config = loaded({ ...PRODUCTION, PORT: '8080', MONGODB_DB: 'custom', PIPEDRIVE_OAUTH_URL: 'http://127.0.0.1:9/' });
    expect(config.production).to.equal(true);
    expect(config.port).to.equal(8080);
    expect(config.publicBaseUrl).to.equal('https://video.example.com');
    expect(config.pipedrive).to.include({ clientId: 'id', clientSecret: 'secret', developmentCredentials: false });
    expect(config.pipedrive.oauthUrl).to.equal('http://127.0.0.1:9');
    expect(config.mongo).to.deep.equal({ uri: 'mongodb://db.internal:27017', dbName: 'custom' });
    expect(Buffer.from(config.encryptionKey).equals(Buffer.alloc(32, 7))).to.equal(true);
  });

  it('reads retired encryption keys, comma-separated, and the Pipedrive timeout', () => {
    const older = Buffer.alloc(32, 1).toString('base64url');
    const oldest = Buffer.alloc(32, 2).toString('base64url');
    const config = loaded({ ENCRYPTION_KEYS_PREVIOUS: ` ${older}, ${oldest} `, PIPEDRIVE_TIMEOUT_MS: '2500' });
    expect(config.previousEncryptionKeys.map((key) => Buffer.from(key).toString('base64url'))).to.deep.equal([older, oldest]);
    expect(config.pipedriveTimeoutMs).to.equal(2500);
    expect(loaded({}).previousEncryptionKeys).to.deep.equal([]);
    expect(loaded({}).pipedriveTimeoutMs).to.equal(5000);
  });

  it('drops a trailing slash from PUBLIC_BASE_URL', () => {
    expect(loaded({ PUBLIC_BASE_URL: 'https://x.example.com/video/' }).publicBaseUrl).to.equal('https://x.example.com/video');
  });

  it('in production, refuses to start without secrets, store and address, naming each variable on its own line', () => {
    const lines = problems({ NODE_ENV: 'production' });
    for (const name of ['PUBLIC_BASE_URL', 'PIPEDRIVE_CLIENT_ID', 'PIPEDRIVE_CLIENT_SECRET', 'MONGODB_URI', 'ENCRYPTION_KEY']) {
      expect(lines.filter((line) => line.startsWith(`${name} `)), name).to.have.length(1);
    }
    expect(lines).to.have.length(5);
  });

  it('treats a blank value as missing', () => {
    expect(problems({ ...PRODUCTION, PIPEDRIVE_CLIENT_SECRET: '  ' })).to.deep.equal([
      'PIPEDRIVE_CLIENT_SECRET is required when NODE_ENV=production',
    ]);
  });

  const invalid: Array<[string, Env, RegExp]> = [
    ['PORT', { PORT: 'eighty' }, /^PORT must be a whole number from 1 to 65535 \(got "eighty"\)$/],
    ['PORT', { PORT: '70000' }, /^PORT must be/],
    ['PUBLIC_BASE_URL', { PUBLIC_BASE_URL: 'ftp://x' }, /^PUBLIC_BASE_URL must be an http\(s\) URL/],
    ['VIDEO_VENDOR', { VIDEO_VENDOR: 'skype' }, /^VIDEO_VENDOR must be one of stub.* \(got "skype"\)$/],
    ['MONGODB_URI', { MONGODB_URI: 'postgres://x' }, /^MONGODB_URI must start with mongodb:\/\//],
    ['MONGODB_DB', { MONGODB_DB: 'a/b' }, /^MONGODB_DB must be/],
    ['ENCRYPTION_KEY', { ENCRYPTION_KEY: 'short' }, /^ENCRYPTION_KEY must be 32 random bytes in base64url \(43 characters\); got 5 characters$/],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of/],
    ['ENCRYPTION_KEYS_PREVIOUS', { ENCRYPTION_KEYS_PREVIOUS: `${KEY},tooshort` }, /^ENCRYPTION_KEYS_PREVIOUS must each be 32 random bytes in base64url \(43 characters\); got 8 characters$/],
    ['PIPEDRIVE_TIMEOUT_MS', { PIPEDRIVE_TIMEOUT_MS: '0' }, /^PIPEDRIVE_TIMEOUT_MS must be a whole number from 100/],
    ['REQUEST_TIMEOUT_MS', { REQUEST_TIMEOUT_MS: '5' }, /^REQUEST_TIMEOUT_MS must be a whole number from 100/],
    ['TRUST_PROXY', { TRUST_PROXY: 'yes' }, /^TRUST_PROXY must be true or false/],
    ['STUB_PASSCODES', { STUB_PASSCODES: '1' }, /^STUB_PASSCODES must be true or false/],
  ];
  for (const [name, env, message] of invalid) {
    const shown = name.includes('KEY') ? 'a key of the wrong length' : JSON.stringify(Object.values(env)[0]);
    it(`explains an invalid ${name} in one line (${shown})`, () => {
      const lines = problems(env);
      expect(lines).to.have.length(1);
      expect(lines[0]).to.match(message);
    });
  }

  it('never repeats a secret in its messages', () => {
    const secretish = 'Zm9vYmFyLXNlY3JldC1rZXktdmFsdWUtdGhhdC1pcy13cm9uZw';
    const lines = problems({ ENCRYPTION_KEY: secretish });
    expect(lines.join('\n')).not.to.contain(secretish);
  });

  it('reports every problem at once', () => {
    expect(problems({ PORT: 'x', LOG_LEVEL: 'loud', VIDEO_VENDOR: 'nope' })).to.have.length(3);
  });
});
