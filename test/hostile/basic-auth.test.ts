import { createRequire, syncBuiltinESMExports } from 'node:module';

import { expect } from 'chai';

import { basicCredentialsVerifier } from '../../src/adapters/http/basic-auth.js';

/**
 * Pipedrive's Basic credentials are checked without leaking, through timing, how much of a guess
 * was right: the presented and expected pairs are hashed to 32 bytes each and compared with
 * `crypto.timingSafeEqual`, exactly once per check, whatever was presented (nothing, garbage, a
 * wrong length, a near miss, the right pair). The check is watched by wrapping the real
 * `timingSafeEqual` (node's documented way to change a builtin under ESM: assign it, then
 * `syncBuiltinESMExports`). Timings are printed, not asserted: they would flake.
 */

const require = createRequire(import.meta.url);
const crypto = require('node:crypto') as typeof import('node:crypto');

const ID = 'pipedrive-client-id';
const SECRET = 'pipedrive-client-secret-0123456789';
const basic = (pair: string) => `Basic ${Buffer.from(pair).toString('base64')}`;

const PRESENTED: Array<[string, string | undefined, boolean]> = [
  ['no header', undefined, false],
  ['an empty header', '', false],
  ['another scheme', `Bearer ${SECRET}`, false],
  ['Basic with nothing', 'Basic', false],
  ['Basic with non-base64', 'Basic !!!', false],
  ['the id only', basic(ID), false],
  ['a one-character secret', basic(`${ID}:x`), false],
  ['the secret minus its last character', basic(`${ID}:${SECRET.slice(0, -1)}`), false],
  ['the secret with its last character changed', basic(`${ID}:${SECRET.slice(0, -1)}X`), false],
  ['a 10 KB secret', basic(`${ID}:${'s'.repeat(10_000)}`), false],
  ['the right pair', basic(`${ID}:${SECRET}`), true],
  ['the right pair, lower-case scheme', `basic ${Buffer.from(`${ID}:${SECRET}`).toString('base64')}`, true],
];

describe('Basic credentials: compared in constant time', () => {
  const original = crypto.timingSafeEqual;
  let calls: Array<[number, number]> = [];

  before(() => {
    crypto.timingSafeEqual = (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      calls.push([a.byteLength, b.byteLength]);
      return original(a, b);
    };
    syncBuiltinESMExports();
  });
  after(() => {
    crypto.timingSafeEqual = original;
    syncBuiltinESMExports();
  });
  beforeEach(() => {
    calls = [];
  });

  for (const [what, header, accepted] of PRESENTED) {
    it(`${what}: ${accepted ? 'accepted' : 'refused'}, after one timingSafeEqual over two 32-byte digests`, () => {
      const verify = basicCredentialsVerifier(ID, SECRET);
      expect(verify(header)).to.equal(accepted);
      expect(calls).to.deep.equal([[32, 32]]);
    });
  }

  it('the watch bites: a check that compares strings makes no such call and would fail the cases above', () => {
    const naive = (header: string | undefined) => header === basic(`${ID}:${SECRET}`);
    expect(naive(basic(`${ID}:${SECRET}`))).to.equal(true);
    expect(calls).to.deep.equal([]);
  });

  it('prints how long a check takes for each kind of presented value (figures, not assertions)', () => {
    crypto.timingSafeEqual = original;
    syncBuiltinESMExports();
    const verify = basicCredentialsVerifier(ID, SECRET);
    const rows: string[] = [];
    for (const [what, header] of PRESENTED) {
      const rounds = 20_000;
      for (let i = 0; i < 2_000; i += 1) verify(header);
      const started = process.hrtime.bigint();
      for (let i = 0; i < rounds; i += 1) verify(header);
      const ns = Number(process.hrtime.bigint() - started) / rounds;
      rows.push(`      ${what.padEnd(48)} ${ns.toFixed(0).padStart(6)} ns`);
    }
    // The 10 KB value costs more to decode and hash; the comparison itself is the same 32 bytes.
    console.log(`    Basic check, mean per call:\n${rows.join('\n')}`);
  });
});
