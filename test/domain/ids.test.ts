import { randomUUID } from 'node:crypto';

import { expect } from 'chai';

import { LinkId, MeetingId, PipedriveId, VendorId } from '../../src/domain/ids.js';

describe('LinkId', () => {
  it('accepts lowercase UUID v4s', () => {
    expect(LinkId.is('1b4e28ba-2fa1-41d2-883f-0016d3cca427')).to.equal(true);
    for (const variant of ['8', '9', 'a', 'b']) {
      expect(LinkId.is(`1b4e28ba-2fa1-41d2-${variant}83f-0016d3cca427`), variant).to.equal(true);
    }
    for (let i = 0; i < 200; i += 1) {
      const id = randomUUID();
      expect(LinkId.is(id), id).to.equal(true);
    }
  });

  it('decodes to the same string', () => {
    const id = randomUUID();
    expect(LinkId.decode(id)).to.deep.equal({ _tag: 'Right', right: id });
  });

  const rejected: ReadonlyArray<readonly [unknown, string]> = [
    ['1B4E28BA-2FA1-41D2-883F-0016D3CCA427', 'uppercase'],
    ['1b4e28ba-2fa1-41d2-883F-0016d3cca427', 'one uppercase hex digit'],
    ['6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'a v1 UUID'],
    ['1b4e28ba-2fa1-31d2-883f-0016d3cca427', 'a v3 UUID'],
    ['1b4e28ba-2fa1-51d2-883f-0016d3cca427', 'a v5 UUID'],
    ['017f22e2-79b0-7cc3-98c4-dc0c0c07398f', 'a v7 UUID'],
    ['1b4e28ba-2fa1-41d2-c83f-0016d3cca427', 'the Microsoft variant (c)'],
    ['1b4e28ba-2fa1-41d2-783f-0016d3cca427', 'the NCS variant (7)'],
    ['00000000-0000-0000-0000-000000000000', 'the nil UUID'],
    ['1b4e28ba2fa141d2883f0016d3cca427', 'no hyphens'],
    ['{1b4e28ba-2fa1-41d2-883f-0016d3cca427}', 'braces'],
    ['urn:uuid:1b4e28ba-2fa1-41d2-883f-0016d3cca427', 'a URN'],
    ['1b4e28ba-2fa1-41d2-883f-0016d3cca427\n', 'a trailing newline'],
    [' 1b4e28ba-2fa1-41d2-883f-0016d3cca427', 'a leading space'],
    ['1b4e28ba-2fa1-41d2-883f-0016d3cca42', 'one digit short'],
    ['1b4e28ba-2fa1-41d2-883f-0016d3cca4270', 'one digit long'],
    ['1b4e28ba-2fa1-41d2-883f-0016d3cca42g', 'a non-hex letter'],
    ['', 'the empty string'],
    [42, 'a number'],
    [null, 'null'],
    [undefined, 'undefined'],
  ];
  for (const [value, why] of rejected) {
    it(`rejects ${why}`, () => {
      expect(LinkId.is(value)).to.equal(false);
      expect(LinkId.decode(value)._tag).to.equal('Left');
    });
  }
});

describe('MeetingId', () => {
  const accepted = [
    'a'.repeat(16),
    'Z'.repeat(64),
    'AbCdEfGh0123_-xy',
    'Qk3b9Z1x_-AbCdEfGhIjKl', // a 22-char base64url id, the shape CryptoIdGenerator makes
    '1b4e28ba-2fa1-41d2-883f-0016d3cca427',
  ];
  for (const value of accepted) {
    it(`accepts ${value} (${value.length} characters)`, () => {
      expect(MeetingId.is(value)).to.equal(true);
    });
  }

  const rejected: ReadonlyArray<readonly [unknown, string]> = [
    ['a'.repeat(15), '15 characters'],
    ['a'.repeat(65), '65 characters'],
    ['abcdefgh.ijklmnop', 'a dot'],
    ['abcdefgh/ijklmnop', 'a slash'],
    ['abcdefgh+ijklmnop', 'a plus (base64, not base64url)'],
    ['abcdefgh=ijklmnop', 'padding'],
    ['abcdefgh ijklmnop', 'a space'],
    ['abcdefghijklmnop\n', 'a trailing newline'],
    ['abcdéfghijklmnopq', 'a non-ASCII letter'],
    ['', 'the empty string'],
    [1234567890123456, 'a number'],
    [null, 'null'],
  ];
  for (const [value, why] of rejected) {
    it(`rejects ${why}`, () => {
      expect(MeetingId.is(value)).to.equal(false);
    });
  }
});

describe('PipedriveId', () => {
  for (const value of [1, 2, 12_345_678, Number.MAX_SAFE_INTEGER]) {
    it(`accepts ${value}`, () => {
      expect(PipedriveId.is(value)).to.equal(true);
      expect(PipedriveId.decode(value)).to.deep.equal({ _tag: 'Right', right: value });
    });
  }

  const rejected: ReadonlyArray<readonly [unknown, string]> = [
    [0, 'zero'],
    [-1, 'a negative number'],
    [1.5, 'a fraction'],
    [Number.MAX_SAFE_INTEGER + 1, 'an unsafe integer'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    ['42', 'a numeric string (the HTTP edge converts those first)'],
    [42n, 'a bigint'],
    [null, 'null'],
  ];
  for (const [value, why] of rejected) {
    it(`rejects ${why}`, () => {
      expect(PipedriveId.is(value)).to.equal(false);
    });
  }
});

describe('VendorId', () => {
  for (const value of ['stub', 'zoom', 'jitsi', 'ms-teams', 'a1', 'a'.repeat(32)]) {
    it(`accepts ${value}`, () => {
      expect(VendorId.is(value)).to.equal(true);
    });
  }
  for (const value of ['z', 'Zoom', '1zoom', '-zoom', 'zoom_us', 'a'.repeat(33), '', 'zoom '] as const) {
    it(`rejects ${JSON.stringify(value)}`, () => {
      expect(VendorId.is(value)).to.equal(false);
    });
  }
});
