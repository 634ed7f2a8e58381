import { execFile } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

import { expect } from 'chai';

import { StartTime } from '../../src/domain/meeting-details.js';
import { instantToIsoSeconds, instantToStartTime, meetingEnd, startTimeToInstant } from '../../src/domain/time.js';
import { decoded } from '../support/fixtures.js';

const startTime = (value: string): StartTime => decoded(StartTime, value);

/** A small deterministic PRNG (mulberry32): the same "random" minutes on every run. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const MINUTE = 60_000;
const FIRST_MINUTE = Date.UTC(1970, 0, 1, 0, 0) / MINUTE;
const LAST_MINUTE = Date.UTC(9999, 11, 31, 23, 59) / MINUTE;

describe('startTimeToInstant', () => {
  const cases: ReadonlyArray<readonly [string, number]> = [
    ['2026-12-01 15:00', Date.UTC(2026, 11, 1, 15, 0)],
    ['2028-02-29 23:59', Date.UTC(2028, 1, 29, 23, 59)],
    ['1970-01-01 00:00', 0],
    ['2026-01-01 00:00', Date.UTC(2026, 0, 1, 0, 0)],
    ['2026-12-31 23:59', Date.UTC(2026, 11, 31, 23, 59)],
    // The Sunday US clocks spring forward and the Sunday EU clocks fall back: nothing special in UTC.
    ['2026-03-08 10:30', Date.UTC(2026, 2, 8, 10, 30)],
    ['2026-10-25 01:30', Date.UTC(2026, 9, 25, 1, 30)],
    ['9999-12-31 23:59', Date.UTC(9999, 11, 31, 23, 59)],
  ];
  for (const [text, millis] of cases) {
    it(`reads ${text} as ${new Date(millis).toISOString()}`, () => {
      const instant = startTimeToInstant(startTime(text));
      expect(instant.getTime()).to.equal(millis);
      expect(instant.toISOString()).to.equal(`${text.replace(' ', 'T')}:00.000Z`);
    });
  }
});

describe('instantToStartTime', () => {
  it('writes the UTC wall clock, zero-padded', () => {
    expect(instantToStartTime(new Date(Date.UTC(2026, 11, 1, 15, 0)))).to.equal('2026-12-01 15:00');
    expect(instantToStartTime(new Date(Date.UTC(2026, 0, 2, 3, 4)))).to.equal('2026-01-02 03:04');
    expect(instantToStartTime(new Date(0))).to.equal('1970-01-01 00:00');
  });

  it('drops seconds and milliseconds instead of rounding', () => {
    expect(instantToStartTime(new Date('2026-12-01T15:00:59.999Z'))).to.equal('2026-12-01 15:00');
    expect(instantToStartTime(new Date('2026-12-31T23:59:59.999Z'))).to.equal('2026-12-31 23:59');
  });

  it('writes an instant given with an offset in UTC', () => {
    expect(instantToStartTime(new Date('2026-12-01T23:30:00-05:00'))).to.equal('2026-12-02 04:30');
  });
});

describe('instantToIsoSeconds', () => {
  it('is yyyy-MM-ddTHH:mm:ssZ, in UTC, without milliseconds', () => {
    expect(instantToIsoSeconds(new Date(Date.UTC(2026, 11, 1, 15, 0)))).to.equal('2026-12-01T15:00:00Z');
    expect(instantToIsoSeconds(new Date('2026-12-01T15:00:07.891Z'))).to.equal('2026-12-01T15:00:07Z');
    expect(instantToIsoSeconds(new Date('2026-12-01T15:00:59.999Z'))).to.equal('2026-12-01T15:00:59Z');
    expect(instantToIsoSeconds(new Date('2026-06-01T02:00:00+02:00'))).to.equal('2026-06-01T00:00:00Z');
  });

  it('always has the same shape', () => {
    const random = mulberry32(7);
    for (let i = 0; i < 1000; i += 1) {
      const millis = Math.floor(random() * Date.UTC(3000, 0, 1));
      expect(instantToIsoSeconds(new Date(millis))).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    }
  });
});

describe('meetingEnd', () => {
  it('adds the duration in minutes', () => {
    const start = startTimeToInstant(startTime('2026-12-01 15:00'));
    expect(meetingEnd(start, 45).getTime()).to.equal(Date.UTC(2026, 11, 1, 15, 45));
    expect(meetingEnd(start, 1).getTime()).to.equal(Date.UTC(2026, 11, 1, 15, 1));
  });

  it('crosses days, months, leap days and years', () => {
    const end = (text: string, minutes: number): string =>
      instantToStartTime(meetingEnd(startTimeToInstant(startTime(text)), minutes));
    expect(end('2026-12-31 23:30', 60)).to.equal('2027-01-01 00:30');
    expect(end('2028-02-28 23:00', 120)).to.equal('2028-02-29 01:00');
    expect(end('2026-02-28 23:00', 120)).to.equal('2026-03-01 01:00');
    expect(end('2026-03-08 01:00', 1440)).to.equal('2026-03-09 01:00');
  });

  it('does not change the start it was given', () => {
    const start = new Date(Date.UTC(2026, 11, 1, 15, 0));
    meetingEnd(start, 30);
    expect(start.getTime()).to.equal(Date.UTC(2026, 11, 1, 15, 0));
  });
});

describe('round trips between start times and instants', () => {
  /** An independent oracle: the ISO string cut down to Pipedrive's shape. */
  const oracle = (instant: Date): string => instant.toISOString().slice(0, 16).replace('T', ' ');

  it('holds for 5000 generated valid minutes from 1970 to 9999 (seed 20261201)', () => {
    const random = mulberry32(20261201);
    for (let i = 0; i < 5000; i += 1) {
      const minute = FIRST_MINUTE + Math.floor(random() * (LAST_MINUTE - FIRST_MINUTE + 1));
      const instant = new Date(minute * MINUTE);
      const text = instantToStartTime(instant);
      expect(text, `minute ${minute}`).to.equal(oracle(instant));
      expect(StartTime.is(text), text).to.equal(true);
      expect(startTimeToInstant(startTime(text)).getTime(), text).to.equal(instant.getTime());
    }
  });

  it('holds for every minute of the days around a leap day and a year end', () => {
    for (const day of [Date.UTC(2028, 1, 28), Date.UTC(2028, 1, 29), Date.UTC(2026, 11, 31), Date.UTC(2027, 0, 1)]) {
      for (let m = 0; m < 24 * 60; m += 1) {
        const instant = new Date(day + m * MINUTE);
        const text = instantToStartTime(instant);
        expect(text).to.equal(oracle(instant));
        expect(startTimeToInstant(startTime(text)).getTime()).to.equal(instant.getTime());
      }
    }
  });

  it('lands on the minute for instants with seconds: only the seconds are lost', () => {
    const random = mulberry32(42);
    for (let i = 0; i < 2000; i += 1) {
      const millis = Math.floor(random() * (Date.UTC(2100, 0, 1) - 1)) + 1;
      const back = startTimeToInstant(startTime(instantToStartTime(new Date(millis)))).getTime();
      expect(back).to.equal(millis - (millis % MINUTE));
    }
  });
});

describe('time conversions and the process time zone', function () {
  // Starting node with tsx takes a moment on a loaded machine.
  this.timeout(30_000);

  const timeModule = pathToFileURL(fileURLToPath(new URL('../../src/domain/time.ts', import.meta.url))).href;
  const probe = `
    const time = await import(${JSON.stringify(timeModule)});
    const inputs = ['2026-12-01 15:00', '2028-02-29 23:59', '2026-03-08 02:30', '2026-11-01 01:30', '1970-01-01 00:00'];
    const out = {
      zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      localOffsetMinutes: new Date(Date.UTC(2026, 11, 1, 15, 0)).getTimezoneOffset(),
      instants: inputs.map((s) => time.startTimeToInstant(s).getTime()),
      startTimes: inputs.map((s) => time.instantToStartTime(time.startTimeToInstant(s))),
      iso: inputs.map((s) => time.instantToIsoSeconds(time.startTimeToInstant(s))),
      ends: inputs.map((s) => time.meetingEnd(time.startTimeToInstant(s), 90).getTime()),
    };
    process.stdout.write(JSON.stringify(out));
  `;

  interface ProbeResult {
    zone: string;
    localOffsetMinutes: number;
    instants: number[];
    startTimes: string[];
    iso: string[];
    ends: number[];
  }

  async function runIn(zone: string): Promise<ProbeResult> {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', probe],
      { env: { ...process.env, TZ: zone }, cwd: fileURLToPath(new URL('../..', import.meta.url)) },
    );
    return JSON.parse(stdout) as ProbeResult;
  }

  it('gives the same UTC answers in Los Angeles, Kolkata and UTC', async () => {
    const [utc, losAngeles, kolkata] = await Promise.all([runIn('UTC'), runIn('America/Los_Angeles'), runIn('Asia/Kolkata')]);

    // The child processes really ran in those zones...
    expect(utc.localOffsetMinutes).to.equal(0);
    expect(losAngeles.localOffsetMinutes).to.equal(480);
    expect(kolkata.localOffsetMinutes).to.equal(-330);

    // ...and the answers are the UTC ones regardless.
    const expected = {
      instants: [
        Date.UTC(2026, 11, 1, 15, 0),
        Date.UTC(2028, 1, 29, 23, 59),
        Date.UTC(2026, 2, 8, 2, 30),
        Date.UTC(2026, 10, 1, 1, 30),
        0,
      ],
      startTimes: ['2026-12-01 15:00', '2028-02-29 23:59', '2026-03-08 02:30', '2026-11-01 01:30', '1970-01-01 00:00'],
      iso: ['2026-12-01T15:00:00Z', '2028-02-29T23:59:00Z', '2026-03-08T02:30:00Z', '2026-11-01T01:30:00Z', '1970-01-01T00:00:00Z'],
      ends: [
        Date.UTC(2026, 11, 1, 16, 30),
        Date.UTC(2028, 2, 1, 1, 29),
        Date.UTC(2026, 2, 8, 4, 0),
        Date.UTC(2026, 10, 1, 3, 0),
        90 * MINUTE,
      ],
    };
    for (const result of [utc, losAngeles, kolkata]) {
      const { zone: _zone, localOffsetMinutes: _offset, ...answers } = result;
      expect(answers, result.zone).to.deep.equal(expected);
    }
  });
});
