import { expect } from 'chai';
import { base64url, CompactEncrypt, decodeProtectedHeader } from 'jose';

import { JoseTokenCipher } from '../../../src/adapters/crypto/jose-token-cipher.js';
import { deriveKey, type Keyring } from '../../../src/adapters/crypto/keyring.js';
import type { SecretUnreadable } from '../../../src/domain/errors.js';
import type { SealedSecret } from '../../../src/domain/link.js';
import { expectLeft, expectRight } from '../../support/either.js';

const KEY_A = new Uint8Array(32).fill(0x0a);
const KEY_B = new Uint8Array(32).fill(0x0b);
const KID_A = deriveKey(KEY_A, 'token-encryption').kid;
const KID_B = deriveKey(KEY_B, 'token-encryption').kid;

const PLAINTEXT = 'v1u-0123456789abcdef-refresh-token-of-a-user';

const only = (current: Uint8Array): Keyring => ({ current, previous: [] });

async function seal(cipher: JoseTokenCipher, plaintext = PLAINTEXT): Promise<SealedSecret> {
  return expectRight(await cipher.seal(plaintext)());
}

async function openFails(cipher: JoseTokenCipher, sealed: string): Promise<SecretUnreadable> {
  const error = expectLeft(await cipher.open(sealed as SealedSecret)());
  expect(error._tag).to.equal('SecretUnreadable');
  expect(error.message).to.not.include(PLAINTEXT);
  return error;
}

/** The compact JWE with part `index` replaced. */
function withPart(sealed: string, index: number, part: string): string {
  const parts = sealed.split('.');
  parts[index] = part;
  return parts.join('.');
}

/** Changes the first character, whose bits all count (a last character may carry padding bits). */
const flipFirst = (part: string): string => (part.startsWith('A') ? 'B' : 'A') + part.slice(1);

describe('JoseTokenCipher', () => {
  const cipher = new JoseTokenCipher(only(KEY_A));

  it('opens what it sealed', async () => {
    const sealed = await seal(cipher);
    expect(expectRight(await cipher.open(sealed)())).to.equal(PLAINTEXT);
  });

  it('round-trips non-ASCII and empty secrets', async () => {
    for (const plaintext of ['', 'ключ-🔑-clé']) {
      const sealed = await seal(cipher, plaintext);
      expect(expectRight(await cipher.open(sealed)())).to.equal(plaintext);
    }
  });

  it('seals the same plaintext differently each time (fresh IV)', async () => {
    const first = await seal(cipher);
    const second = await seal(cipher);
    expect(first).to.not.equal(second);
    expect(first.split('.')[2]).to.not.equal(second.split('.')[2]);
  });

  it('produces a compact JWE carrying no part of the plaintext', async () => {
    const sealed = await seal(cipher);
    const parts = sealed.split('.');
    expect(parts).to.have.length(5);
    expect(parts[1]).to.equal(''); // `dir`: no encrypted key
    for (const text of [PLAINTEXT, base64url.encode(PLAINTEXT)]) {
      for (let at = 0; at + 6 <= text.length; at += 1) expect(sealed).to.not.include(text.slice(at, at + 6));
    }
  });

  it('puts only alg, enc and the current key id in the protected header', async () => {
    const sealed = await seal(cipher);
    expect(decodeProtectedHeader(sealed)).to.deep.equal({ alg: 'dir', enc: 'A256GCM', kid: KID_A });
  });

  it('seals when the task runs, afresh on every run', async () => {
    const task = cipher.seal(PLAINTEXT);
    const first = expectRight(await task());
    const second = expectRight(await task());
    expect(first).to.not.equal(second);
    expect(expectRight(await cipher.open(second)())).to.equal(PLAINTEXT);
  });

  describe('refuses an altered secret', () => {
    const names = ['protected header', 'encrypted key', 'IV', 'ciphertext', 'authentication tag'];
    const expected = [
      'sealed secret unreadable: it is not a compact JWE with a readable header',
      `sealed secret unreadable: it is not a well-formed JWE: Encountered unexpected JWE Encrypted Key (key ${KID_A})`,
      `sealed secret unreadable: decryption failed: it was altered (key ${KID_A})`,
      `sealed secret unreadable: decryption failed: it was altered (key ${KID_A})`,
      `sealed secret unreadable: decryption failed: it was altered (key ${KID_A})`,
    ];
    names.forEach((name, index) => {
      it(`in its ${name}`, async () => {
        const sealed = await seal(cipher);
        const part = sealed.split('.')[index] ?? '';
        const altered = withPart(sealed, index, index === 1 ? 'AAAA' : flipFirst(part));
        expect(altered).to.not.equal(sealed);
        expect((await openFails(cipher, altered)).message).to.equal(expected[index]);
      });
    });

    it('whose header was rewritten with the same key id (the header is authenticated)', async () => {
      const sealed = await seal(cipher);
      const header = base64url.encode(JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid: KID_A, x: 1 }));
      const error = await openFails(cipher, withPart(sealed, 0, header));
      expect(error.message).to.equal(`sealed secret unreadable: decryption failed: it was altered (key ${KID_A})`);
    });

    it('whose header claims another content encryption', async () => {
      const sealed = await seal(cipher);
      const header = base64url.encode(JSON.stringify({ alg: 'dir', enc: 'A128GCM', kid: KID_A }));
      const error = await openFails(cipher, withPart(sealed, 0, header));
      expect(error.message).to.equal(`sealed secret unreadable: it does not use dir with A256GCM (key ${KID_A})`);
    });

    it('that was cut short', async () => {
      const sealed = await seal(cipher);
      const error = await openFails(cipher, sealed.split('.').slice(0, 4).join('.'));
      expect(error.message).to.equal('sealed secret unreadable: it is not a compact JWE with a readable header');
    });
  });

  it('refuses a JWE without a key id', async () => {
    const jwe = await new CompactEncrypt(new TextEncoder().encode(PLAINTEXT))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .encrypt(deriveKey(KEY_A, 'token-encryption').key);
    expect((await openFails(cipher, jwe)).message).to.equal('sealed secret unreadable: its header names no key id');
  });

  it('does not echo a key id that does not look like one', async () => {
    const sealed = await seal(cipher);
    const header = base64url.encode(JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid: 'x'.repeat(500) }));
    const error = await openFails(cipher, withPart(sealed, 0, header));
    expect(error.message).to.equal('sealed secret unreadable: its header names a key id of an unknown form');
  });

  it('refuses a JWE encrypted with the raw key instead of the derived one', async () => {
    const jwe = await new CompactEncrypt(new TextEncoder().encode(PLAINTEXT))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: KID_A })
      .encrypt(KEY_A);
    const error = await openFails(cipher, jwe);
    expect(error.message).to.equal(`sealed secret unreadable: decryption failed: it was altered (key ${KID_A})`);
  });

  describe('key rotation', () => {
    it('opens a secret sealed with a previous key, and seals new ones with the current key', async () => {
      const sealedWithA = await seal(new JoseTokenCipher(only(KEY_A)));
      const rotated = new JoseTokenCipher({ current: KEY_B, previous: [KEY_A] });

      expect(expectRight(await rotated.open(sealedWithA)())).to.equal(PLAINTEXT);
      const sealedWithB = await seal(rotated);
      expect(decodeProtectedHeader(sealedWithB).kid).to.equal(KID_B);
      expect(KID_B).to.not.equal(KID_A);
      expect(expectRight(await rotated.open(sealedWithB)())).to.equal(PLAINTEXT);
    });

    it('cannot open a secret whose key was dropped, and says which key it needs', async () => {
      const sealedWithA = await seal(new JoseTokenCipher(only(KEY_A)));
      const error = await openFails(new JoseTokenCipher(only(KEY_B)), sealedWithA);
      expect(error.message).to.equal(
        `sealed secret unreadable: it was sealed with key ${KID_A}, which is neither the current key nor a previous one`,
      );
    });
  });
});
