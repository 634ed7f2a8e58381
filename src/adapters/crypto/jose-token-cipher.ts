import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader, errors } from 'jose';

import type { TokenCipher } from '../../application/ports/token-cipher.js';
import type { SecretUnreadable } from '../../domain/errors.js';
import type { SealedSecret } from '../../domain/link.js';
import { deriveKeyring, type DerivedKeyring, type Keyring } from './keyring.js';

const ALG = 'dir';
const ENC = 'A256GCM';
// Only what opening needs goes in the header: it is readable by anyone holding the string.
const DECRYPT_OPTIONS = { keyManagementAlgorithms: [ALG], contentEncryptionAlgorithms: [ENC] };
// A key id we issued is 16 base64url characters; anything else is echoed in messages only if it
// looks like one, so a corrupted value cannot flood a log line.
const PRINTABLE_KID = /^[A-Za-z0-9_-]{1,64}$/;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Seals secrets as compact JWE (`dir` + A256GCM) under a key derived for token encryption only.
 * The header names the key by id, so a secret sealed before a rotation opens with the key that
 * sealed it for as long as that key stays among the keyring's previous keys.
 */
export class JoseTokenCipher implements TokenCipher {
  readonly #keys: DerivedKeyring;

  constructor(keyring: Keyring) {
    this.#keys = deriveKeyring(keyring, 'token-encryption');
  }

  seal(plaintext: string): TE.TaskEither<never, SealedSecret> {
    return async () => {
      const { kid, key } = this.#keys.current;
      const jwe = await new CompactEncrypt(encoder.encode(plaintext))
        .setProtectedHeader({ alg: ALG, enc: ENC, kid })
        .encrypt(key);
      return E.right(jwe as SealedSecret);
    };
  }

  /**
   * True when the current key sealed it. A key rotation is complete once nothing stored answers
   * false: then the previous keys can go.
   */
  sealedWithCurrentKey(sealed: SealedSecret): boolean {
    try {
      return decodeProtectedHeader(sealed).kid === this.#keys.current.kid;
    } catch {
      return false;
    }
  }

  open(sealed: SealedSecret): TE.TaskEither<SecretUnreadable, string> {
    return async () => {
      let kid: unknown;
      try {
        ({ kid } = decodeProtectedHeader(sealed));
      } catch {
        return E.left(unreadable('it is not a compact JWE with a readable header'));
      }
      if (typeof kid !== 'string') return E.left(unreadable('its header names no key id'));
      if (!PRINTABLE_KID.test(kid)) return E.left(unreadable('its header names a key id of an unknown form'));

      const key = this.#keys.byKid.get(kid);
      if (key === undefined) {
        return E.left(
          unreadable(`it was sealed with key ${kid}, which is neither the current key nor a previous one`),
        );
      }

      let plaintext: Uint8Array;
      try {
        ({ plaintext } = await compactDecrypt(sealed, key, DECRYPT_OPTIONS));
      } catch (error) {
        if (!(error instanceof errors.JOSEError)) throw error;
        return E.left(unreadable(`${describeFailure(error)} (key ${kid})`));
      }
      try {
        return E.right(decoder.decode(plaintext));
      } catch {
        return E.left(unreadable(`its content is not UTF-8 text (key ${kid})`));
      }
    };
  }
}

function describeFailure(error: errors.JOSEError): string {
  if (error instanceof errors.JWEDecryptionFailed) return 'decryption failed: it was altered';
  if (error instanceof errors.JOSEAlgNotAllowed) return `it does not use ${ALG} with ${ENC}`;
  // jose's own messages describe structure only, never the key or the content.
  return `it is not a well-formed JWE: ${error.message}`;
}

function unreadable(reason: string): SecretUnreadable {
  return { _tag: 'SecretUnreadable', message: `sealed secret unreadable: ${reason}` };
}
