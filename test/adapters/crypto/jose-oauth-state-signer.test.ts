import { expect } from 'chai';
import { base64url, decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';

import type { OAuthStateInvalid, OAuthStatePurpose } from '../../../src/application/ports/oauth-state.js';
import { JoseOAuthStateSigner, MAX_STATE_LENGTH } from '../../../src/adapters/crypto/jose-oauth-state-signer.js';
import { deriveKey, type Keyring } from '../../../src/adapters/crypto/keyring.js';
import { expectLeft, expectRight } from '../../support/either.js';
import { aLinkId } from '../../support/fixtures.js';

const KEY_A = new Uint8Array(32).fill(0x1a);
const KEY_B = new Uint8Array(32).fill(0x1b);
const STATE_KEY_A = deriveKey(KEY_A, 'oauth-state');
const KID_B = deriveKey(KEY_B, 'oauth-state').kid;

const TTL = 600;
const NOW = new Date('2026-03-04T05:06:07.000Z');
const EXPIRES = new Date('2026-03-04T05:16:07.000Z');
const secondsAfter = (date: Date, seconds: number): Date => new Date(date.getTime() + seconds * 1000);

const only = (current: Uint8Array): Keyring => ({ current, previous: [] });
const signer = new JoseOAuthStateSigner(only(KEY_A), TTL);

async function issue(
  by: JoseOAuthStateSigner = signer,
  purpose: OAuthStatePurpose = 'pipedrive-install',
): Promise<string> {
  return expectRight(await by.issue({ purpose }, NOW)());
}

async function refusal(
  state: string,
  purpose: OAuthStatePurpose = 'pipedrive-install',
  now = NOW,
  by = signer,
): Promise<OAuthStateInvalid['reason']> {
  const error = expectLeft(await by.verify(state, purpose, now)());
  expect(error._tag).to.equal('OAuthStateInvalid');
  return error.reason;
}

/** A JWT signed with the real state key and key id, carrying whatever claims and algorithm a test needs. */
async function signedWithStateKey(claims: Record<string, unknown>, alg = 'HS256'): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg, kid: STATE_KEY_A.kid }).sign(STATE_KEY_A.key);
}

const validClaims = (): Record<string, unknown> => ({
  jti: base64url.encode(new Uint8Array(16).fill(7)),
  iat: NOW.getTime() / 1000,
  exp: EXPIRES.getTime() / 1000,
  pur: 'pipedrive-install',
});

const encodeJson = (value: unknown): string => base64url.encode(JSON.stringify(value));

describe('JoseOAuthStateSigner', () => {
  describe('issue and verify', () => {
    it('round-trips an install state', async () => {
      const state = await issue();
      const verified = expectRight(await signer.verify(state, 'pipedrive-install', secondsAfter(NOW, 30))());
      expect(verified).to.deep.equal({
        id: decodeJwt(state).jti,
        purpose: 'pipedrive-install',
        expiresAt: EXPIRES,
      });
      expect(verified).to.not.have.property('linkId');
    });

    it('round-trips a vendor-connect state with its link id', async () => {
      const linkId = aLinkId();
      const state = expectRight(await signer.issue({ purpose: 'vendor-connect', linkId }, NOW)());
      const verified = expectRight(await signer.verify(state, 'vendor-connect', NOW)());
      expect(verified).to.deep.equal({
        id: decodeJwt(state).jti,
        purpose: 'vendor-connect',
        linkId,
        expiresAt: EXPIRES,
      });
    });

    it('signs HS256 with the derived state key id and the documented claims', async () => {
      const linkId = aLinkId();
      const state = expectRight(await signer.issue({ purpose: 'vendor-connect', linkId }, NOW)());
      expect(decodeProtectedHeader(state)).to.deep.equal({ alg: 'HS256', kid: STATE_KEY_A.kid });
      const claims = decodeJwt(state);
      expect(Object.keys(claims).sort()).to.deep.equal(['exp', 'iat', 'jti', 'lid', 'pur']);
      expect(claims).to.include({
        iat: NOW.getTime() / 1000,
        exp: EXPIRES.getTime() / 1000,
        pur: 'vendor-connect',
        lid: linkId,
      });
      expect(claims.jti).to.match(/^[A-Za-z0-9_-]{22}$/);
      expect(state.length).to.be.below(300);
    });

    it('gives every state its own id, on every run of the task', async () => {
      const task = signer.issue({ purpose: 'pipedrive-install' }, NOW);
      const first = decodeJwt(expectRight(await task())).jti;
      const second = decodeJwt(expectRight(await task())).jti;
      expect(first).to.be.a('string');
      expect(first).to.not.equal(second);
    });

    it('counts the lifetime from the given time, whole seconds', async () => {
      const state = expectRight(await signer.issue({ purpose: 'pipedrive-install' }, new Date('2026-03-04T05:06:07.999Z'))());
      expect(expectRight(await signer.verify(state, 'pipedrive-install', NOW)()).expiresAt).to.deep.equal(EXPIRES);
    });
  });

  describe('expiry', () => {
    it('accepts a state one second before it expires', async () => {
      const state = await issue();
      expect(expectRight(await signer.verify(state, 'pipedrive-install', secondsAfter(EXPIRES, -1))()).purpose).to.equal(
        'pipedrive-install',
      );
    });

    it('refuses a state at and after its expiry as expired', async () => {
      const state = await issue();
      expect(await refusal(state, 'pipedrive-install', EXPIRES)).to.equal('expired');
      expect(await refusal(state, 'pipedrive-install', secondsAfter(EXPIRES, 3600))).to.equal('expired');
    });
  });

  describe('refusals', () => {
    it('refuses a state issued for the other step as wrong_purpose', async () => {
      const install = await issue();
      const connect = expectRight(await signer.issue({ purpose: 'vendor-connect', linkId: aLinkId() }, NOW)());
      expect(await refusal(install, 'vendor-connect')).to.equal('wrong_purpose');
      expect(await refusal(connect, 'pipedrive-install')).to.equal('wrong_purpose');
    });

    it('refuses a state signed by another deployment key as forged', async () => {
      const foreign = await issue(new JoseOAuthStateSigner(only(KEY_B), TTL));
      expect(await refusal(foreign)).to.equal('forged');
    });

    it('refuses a state signed with another key under our key id as forged', async () => {
      const state = await new SignJWT(validClaims())
        .setProtectedHeader({ alg: 'HS256', kid: STATE_KEY_A.kid })
        .sign(KEY_A); // the raw key, not the derived state key
      expect(await refusal(state)).to.equal('forged');
    });

    it('refuses a state with an altered payload as forged', async () => {
      const state = await issue();
      const [header, payload, signature] = state.split('.');
      const claims = JSON.parse(Buffer.from(base64url.decode(payload ?? '')).toString('utf8')) as Record<string, unknown>;
      for (const change of [{ pur: 'vendor-connect' }, { exp: 4_102_444_800 }, { lid: aLinkId() }]) {
        const altered = [header, encodeJson({ ...claims, ...change }), signature].join('.');
        expect(await refusal(altered, 'vendor-connect')).to.equal('forged');
      }
    });

    it('refuses a state with an altered signature as forged', async () => {
      const state = await issue();
      const [header, payload, signature = ''] = state.split('.');
      const altered = [header, payload, (signature.startsWith('A') ? 'B' : 'A') + signature.slice(1)].join('.');
      expect(await refusal(altered)).to.equal('forged');
    });

    it('refuses an unsigned (`alg: none`) state naming our key as forged', async () => {
      const unsigned = `${encodeJson({ alg: 'none', kid: STATE_KEY_A.kid })}.${encodeJson(validClaims())}.`;
      expect(await refusal(unsigned)).to.equal('forged');
    });

    it('refuses an HS512 state, even one made with our key, as forged', async () => {
      expect(await refusal(await signedWithStateKey(validClaims(), 'HS512'))).to.equal('forged');
    });

    it('refuses an RS256-looking state as forged', async () => {
      const header = encodeJson({ alg: 'RS256', kid: STATE_KEY_A.kid });
      const signature = base64url.encode(new Uint8Array(256).fill(9));
      expect(await refusal(`${header}.${encodeJson(validClaims())}.${signature}`)).to.equal('forged');
    });

    it('refuses a state without a key id, or with an unknown one, as forged', async () => {
      const noKid = await new SignJWT(validClaims()).setProtectedHeader({ alg: 'HS256' }).sign(STATE_KEY_A.key);
      const unknownKid = await new SignJWT(validClaims())
        .setProtectedHeader({ alg: 'HS256', kid: 'AAAAAAAAAAAAAAAA' })
        .sign(STATE_KEY_A.key);
      expect(await refusal(noKid)).to.equal('forged');
      expect(await refusal(unknownKid)).to.equal('forged');
    });

    it('refuses what is not a JWS as malformed', async () => {
      for (const garbage of ['', 'state', 'a.b.c', `${encodeJson({ alg: 'HS256' })}.x`, '...', 'a.b.c.d.e']) {
        expect(await refusal(garbage), garbage).to.equal('malformed');
      }
    });

    it('refuses a JWE in place of a state as malformed', async () => {
      const header = encodeJson({ alg: 'dir', enc: 'A256GCM', kid: STATE_KEY_A.kid });
      expect(await refusal(`${header}..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA`)).to.equal('malformed');
    });

    it('refuses a validly signed state whose claims are not ours as malformed', async () => {
      const cases: Array<Record<string, unknown>> = [
        { ...validClaims(), lid: 'not-a-uuid' },
        { ...validClaims(), pur: 'something-else' },
        { ...validClaims(), jti: 'short' },
        { ...validClaims(), jti: undefined },
        { ...validClaims(), exp: undefined },
      ];
      for (const claims of cases) {
        expect(await refusal(await signedWithStateKey(claims)), JSON.stringify(claims)).to.equal('malformed');
      }
    });

    it('refuses a state over the length cap as malformed, before checking anything else', async () => {
      const padded = await signedWithStateKey({ ...validClaims(), pad: 'x'.repeat(MAX_STATE_LENGTH) });
      expect(padded.length).to.be.above(MAX_STATE_LENGTH);
      expect(await refusal(padded)).to.equal('malformed');
      expect(await refusal('a'.repeat(MAX_STATE_LENGTH + 1))).to.equal('malformed');
    });

    it('accepts a validly signed state just under the cap', async () => {
      const base = await signedWithStateKey({ ...validClaims(), pad: '' });
      // Each 3 characters of padding add 4 of base64url, and some lengths cannot occur at all
      // (a base64url part is never 1 modulo 4 long): take the longest state that fits.
      const estimate = Math.floor(((MAX_STATE_LENGTH - base.length) * 3) / 4);
      let state = base;
      for (let pad = estimate - 3; pad <= estimate + 3; pad += 1) {
        const candidate = await signedWithStateKey({ ...validClaims(), pad: 'x'.repeat(pad) });
        if (candidate.length <= MAX_STATE_LENGTH) state = candidate;
      }
      expect(state.length).to.be.within(MAX_STATE_LENGTH - 1, MAX_STATE_LENGTH);
      expect(expectRight(await signer.verify(state, 'pipedrive-install', NOW)()).expiresAt).to.deep.equal(EXPIRES);
    });
  });

  describe('key rotation', () => {
    it('verifies a state signed with a previous key, and issues new ones with the current key', async () => {
      const stateA = await issue();
      const rotated = new JoseOAuthStateSigner({ current: KEY_B, previous: [KEY_A] }, TTL);
      expect(expectRight(await rotated.verify(stateA, 'pipedrive-install', NOW)()).id).to.equal(decodeJwt(stateA).jti);

      const stateB = await issue(rotated);
      expect(decodeProtectedHeader(stateB).kid).to.equal(KID_B);
      expect(expectRight(await rotated.verify(stateB, 'pipedrive-install', NOW)()).expiresAt).to.deep.equal(EXPIRES);
    });

    it('refuses a state whose key was dropped as forged', async () => {
      const stateA = await issue();
      expect(await refusal(stateA, 'pipedrive-install', NOW, new JoseOAuthStateSigner(only(KEY_B), TTL))).to.equal('forged');
    });
  });

  it('refuses a lifetime that is not a positive whole number of seconds', () => {
    for (const ttl of [0, -5, 1.5, Number.NaN]) {
      expect(() => new JoseOAuthStateSigner(only(KEY_A), ttl), String(ttl)).to.throw(RangeError);
    }
  });
});
