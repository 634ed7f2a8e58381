import { expect } from 'chai';

import { deriveKey, deriveKeyring } from '../../../src/adapters/crypto/keyring.js';

/** The bytes 0x00..0x1f: a fixed raw key whose derived keys are pinned below. */
const RAW = new Uint8Array(32).map((_, i) => i);
const OTHER_RAW = new Uint8Array(32).fill(0xa5);

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('deriveKey', () => {
  // Pinned from an independent RFC 5869 computation (Python hmac/hashlib, zero salt). Every stored
  // secret and issued state names its key by these ids: if this test fails, production data would
  // no longer open.
  it('derives the token-encryption key with HKDF-SHA256 and its pinned key id', () => {
    const derived = deriveKey(RAW, 'token-encryption');
    expect(hex(derived.key)).to.equal('6fe670bd2fd758e68573db6dab17904783a39d1f498db684cc66df097b3b9c12');
    expect(derived.kid).to.equal('Zjqp2iZfz71weHj-');
  });

  it('derives the oauth-state key with HKDF-SHA256 and its pinned key id', () => {
    const derived = deriveKey(RAW, 'oauth-state');
    expect(hex(derived.key)).to.equal('ed148f82fe956d8f6c6bc8ff258b650e800601f6db6bfefd2b5256d63a9b221f');
    expect(derived.kid).to.equal('mfZL7HgOzENcqAYs');
  });

  it('gives each purpose its own 32-byte key, and neither is the raw key', () => {
    const tokens = deriveKey(OTHER_RAW, 'token-encryption');
    const states = deriveKey(OTHER_RAW, 'oauth-state');
    expect(tokens.key).to.have.length(32);
    expect(states.key).to.have.length(32);
    expect(hex(tokens.key)).to.not.equal(hex(states.key));
    expect(hex(tokens.key)).to.not.equal(hex(OTHER_RAW));
    expect(hex(states.key)).to.not.equal(hex(OTHER_RAW));
    expect(tokens.kid).to.not.equal(states.kid);
  });

  it('names a key with 16 base64url characters, the same every time', () => {
    const first = deriveKey(OTHER_RAW, 'token-encryption');
    const again = deriveKey(Uint8Array.from(OTHER_RAW), 'token-encryption');
    expect(first.kid).to.match(/^[A-Za-z0-9_-]{16}$/);
    expect(again.kid).to.equal(first.kid);
    expect(deriveKey(RAW, 'token-encryption').kid).to.not.equal(first.kid);
  });

  it('refuses a key that is not 32 bytes, without echoing it', () => {
    const short = new Uint8Array(16).fill(0x41);
    expect(() => deriveKey(short, 'oauth-state')).to.throw(RangeError, 'a keyring key must be 32 bytes, got 16');
  });
});

describe('deriveKeyring', () => {
  it('holds the current key and every previous one by key id', () => {
    const keys = deriveKeyring({ current: RAW, previous: [OTHER_RAW] }, 'token-encryption');
    const current = deriveKey(RAW, 'token-encryption');
    const previous = deriveKey(OTHER_RAW, 'token-encryption');
    expect(keys.current.kid).to.equal(current.kid);
    expect(hex(keys.current.key)).to.equal(hex(current.key));
    expect([...keys.byKid.keys()].sort()).to.deep.equal([current.kid, previous.kid].sort());
    expect(hex(keys.byKid.get(previous.kid) ?? new Uint8Array())).to.equal(hex(previous.key));
  });
});
