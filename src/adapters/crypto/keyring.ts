import { createHash, hkdfSync } from 'node:crypto';

/**
 * The deployment's `ENCRYPTION_KEY` and the keys it replaced. Only `current` seals and signs;
 * `previous` keys still open and verify what they produced, so a key can be rotated without a
 * migration (move it to `previous`, drop it once nothing it sealed is left).
 */
export interface Keyring {
  readonly current: Uint8Array;
  readonly previous: readonly Uint8Array[];
}

/** What a derived key is for. A key serves exactly one purpose. */
export type KeyPurpose = 'token-encryption' | 'oauth-state';

export const KEY_BYTES = 32;

// Part of every stored secret's and every issued state's key id: changing either string
// makes everything sealed so far unreadable.
const INFO: Record<KeyPurpose, string> = {
  'token-encryption': 'pipedrive-video/token-encryption/v1',
  'oauth-state': 'pipedrive-video/oauth-state/v1',
};
// The input is already 32 uniformly random bytes, so HKDF needs no salt to extract from it
// (RFC 5869 §3.1); a fixed, empty one keeps derivation reproducible across processes.
const SALT = new Uint8Array(0);

export interface DerivedKey {
  /** Names the key in a token's header: a prefix of its hash, so it reveals nothing of the key. */
  readonly kid: string;
  readonly key: Uint8Array;
}

export interface DerivedKeyring {
  readonly current: DerivedKey;
  /** `current` and every previous key, by key id. */
  readonly byKid: ReadonlyMap<string, Uint8Array>;
}

/**
 * One purpose's key from a raw key. Signing and encrypting with the same bytes would let a flaw
 * in one use weaken the other; HKDF with a per-purpose label gives independent keys.
 */
export function deriveKey(raw: Uint8Array, purpose: KeyPurpose): DerivedKey {
  if (raw.length !== KEY_BYTES) {
    // The length only: the message must never carry key material.
    throw new RangeError(`a keyring key must be ${KEY_BYTES} bytes, got ${raw.length}`);
  }
  const key = new Uint8Array(hkdfSync('sha256', raw, SALT, INFO[purpose], KEY_BYTES));
  return { kid: keyId(key), key };
}

export function deriveKeyring(keyring: Keyring, purpose: KeyPurpose): DerivedKeyring {
  const current = deriveKey(keyring.current, purpose);
  const byKid = new Map<string, Uint8Array>();
  for (const raw of keyring.previous) {
    const derived = deriveKey(raw, purpose);
    byKid.set(derived.kid, derived.key);
  }
  byKid.set(current.kid, current.key);
  return { current, byKid };
}

function keyId(key: Uint8Array): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 16);
}
