import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';

import {
  DURATION_MAX_MINUTES,
  DurationMinutes,
  EXPECTED,
  isCalendarStartTime,
  StartTime,
  Topic,
  TOPIC_MAX_LENGTH,
} from '../../src/domain/meeting-details.js';
import { expectLeft, expectRight } from '../support/either.js';

/** Decoding must hand back the very value it was given, branded, not a normalised copy. */
function accepts<A>(codec: t.Type<A, unknown, unknown>, value: unknown): void {
  const decoded = expectRight(codec.decode(value));
  expect(decoded, `${codec.name} of ${JSON.stringify(value)}`).to.equal(value);
  expect(codec.is(value)).to.equal(true);
}

function rejects<A>(codec: t.Type<A, unknown, unknown>, value: unknown): void {
  const errors = expectLeft(codec.decode(value));
  expect(errors, `${codec.name} of ${String(value)}`).to.have.length.greaterThan(0);
  expect(errors[0]?.value).to.deep.equal(value);
  expect(codec.is(value)).to.equal(false);
}

const NON_STRINGS: readonly unknown[] = [undefined, null, 0, 42, true, {}, [], new Date('2026-12-01T10:00:00Z')];

describe('StartTime', () => {
  const valid = [
    '2026-12-01 15:00',
    '2028-02-29 23:59', // leap day
    '2000-02-29 00:00', // divisible by 400: leap
    '2026-01-01 00:00',
    '2026-12-31 23:59',
    '2026-04-30 12:30',
    '1970-01-01 00:00', // the earliest accepted
    '9999-12-31 23:59',
  ];
  for (const value of valid) {
    it(`accepts ${JSON.stringify(value)}`, () => accepts(StartTime, value));
  }

  const invalid: ReadonlyArray<readonly [string, string]> = [
    ['2026-02-29 10:00', 'Feb 29 in a common year'],
    ['2100-02-29 10:00', 'Feb 29 in a century year not divisible by 400'],
    ['2026-02-30 10:00', 'a day Date.UTC would roll into March'],
    ['2026-04-31 10:00', 'the 31st of a 30-day month'],
    ['2026-01-32 10:00', 'day 32'],
    ['2026-01-00 10:00', 'day 0'],
    ['2026-13-01 10:00', 'month 13'],
    ['2026-00-10 10:00', 'month 0'],
    ['2026-12-01 24:00', 'hour 24'],
    ['2026-12-01 10:60', 'minute 60'],
    ['2026-12-01T10:00', 'an ISO T separator'],
    ['2026-12-01 10:00:00', 'seconds'],
    ['2026-12-01 9:00', 'a one-digit hour'],
    ['2026-12-1 09:00', 'a one-digit day'],
    [' 2026-12-01 10:00', 'a leading space'],
    ['2026-12-01 10:00 ', 'a trailing space'],
    ['2026-12-01 10:00\n', 'a trailing newline'],
    ['2026-12-01  10:00', 'two spaces'],
    ['2026-12-01 10:00Z', 'a zone designator'],
    ['2026-12-01 10:00+02:00', 'an offset'],
    ['26-12-01 10:00', 'a two-digit year'],
    ['1969-12-31 23:59', 'a time before 1970'],
    ['２０２６-12-01 10:00', 'full-width digits'],
    ['', 'the empty string'],
  ];
  for (const [value, why] of invalid) {
    it(`rejects ${JSON.stringify(value)} (${why})`, () => rejects(StartTime, value));
  }

  it('rejects values that are not strings', () => {
    for (const value of NON_STRINGS) rejects(StartTime, value);
  });

  it('agrees with isCalendarStartTime', () => {
    for (const value of valid) expect(isCalendarStartTime(value)).to.equal(true);
    for (const [value] of invalid) expect(isCalendarStartTime(value)).to.equal(false);
  });

  it('accepts every day of a leap year and of a common year, and nothing past their ends', () => {
    const daysPerMonth = (year: number): number[] => [31, year % 4 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    for (const year of [2027, 2028]) {
      daysPerMonth(year).forEach((days, index) => {
        const month = String(index + 1).padStart(2, '0');
        for (let day = 1; day <= days; day += 1) {
          expect(StartTime.is(`${year}-${month}-${String(day).padStart(2, '0')} 08:15`)).to.equal(true);
        }
        expect(StartTime.is(`${year}-${month}-${days + 1} 08:15`), `${year}-${month}-${days + 1}`).to.equal(false);
      });
    }
  });
});

describe('DurationMinutes', () => {
  for (const value of [1, 60, 1440]) {
    it(`accepts ${value}`, () => accepts(DurationMinutes, value));
  }
  for (const value of [0, -5, 1.5, 1441, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '60', null, undefined, [60]]) {
    it(`rejects ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`, () => rejects(DurationMinutes, value));
  }

  it('has a day as its upper bound', () => {
    expect(DURATION_MAX_MINUTES).to.equal(24 * 60);
  });
});

describe('Topic', () => {
  const emoji = '\u{1F4C5}'; // one code point, two UTF-16 units

  it('accepts a one-character topic', () => accepts(Topic, 'x'));
  it('accepts a 500-character topic', () => accepts(Topic, 'a'.repeat(500)));
  it('keeps surrounding whitespace of an accepted topic', () => accepts(Topic, '  Kick-off  '));
  it('counts code points, not UTF-16 units: 500 emoji are accepted', () => {
    const topic = emoji.repeat(500);
    expect(topic.length).to.equal(1000);
    accepts(Topic, topic);
  });
  it('rejects 501 emoji', () => rejects(Topic, emoji.repeat(501)));
  it('rejects 501 characters', () => rejects(Topic, 'a'.repeat(501)));
  it('rejects the empty string', () => rejects(Topic, ''));
  it('rejects a topic of blanks only', () => {
    rejects(Topic, '   ');
    rejects(Topic, '\t\n\u00a0');
  });
  it('rejects values that are not strings', () => {
    for (const value of NON_STRINGS) rejects(Topic, value);
  });
  it('has 500 as its limit', () => {
    expect(TOPIC_MAX_LENGTH).to.equal(500);
  });
});

describe('EXPECTED', () => {
  it('describes every codec by its name', () => {
    expect(EXPECTED[Topic.name]).to.equal('a non-empty text of at most 500 characters');
    expect(EXPECTED[StartTime.name]).to.equal("a UTC date and time written 'YYYY-MM-DD HH:mm' that exists on the calendar");
    expect(EXPECTED[DurationMinutes.name]).to.equal('a whole number of minutes from 1 to 1440');
  });

  it('names exactly the three codecs', () => {
    expect(Object.keys(EXPECTED).sort()).to.deep.equal(['DurationMinutes', 'StartTime', 'Topic']);
  });

  it('is what a refused value is reported against (the codec name appears in the error context)', () => {
    const result = StartTime.decode('2026-02-30 10:00');
    expect(E.isLeft(result)).to.equal(true);
    const names = expectLeft(result).flatMap((error) => error.context.map((entry) => entry.type.name));
    expect(names).to.include('StartTime');
  });
});
