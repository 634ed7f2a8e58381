import { expect } from 'chai';

import { defaultInvitation } from '../../src/domain/invitation.js';
import { DurationMinutes, Topic } from '../../src/domain/meeting-details.js';
import { decoded, someDetails } from '../support/fixtures.js';

const details = someDetails({
  topic: decoded(Topic, 'Contract review with ACME'),
  start: new Date(Date.UTC(2026, 11, 1, 15, 0, 42, 123)),
  durationMinutes: decoded(DurationMinutes, 45),
});

describe('defaultInvitation', () => {
  it('lists topic, UTC time, duration and join URL, in that order', () => {
    expect(
      defaultInvitation({ details, joinUrl: 'https://video.example.com/j/abc', vendorName: 'Stub Video' }),
    ).to.equal(
      [
        'You are invited to a Stub Video meeting.',
        '',
        'Topic: Contract review with ACME',
        'Time: 2026-12-01 15:00 UTC',
        'Duration: 45 minutes',
        '',
        'Join: https://video.example.com/j/abc',
      ].join('\n'),
    );
  });

  it('adds the password as the last line when there is one', () => {
    const text = defaultInvitation({
      details,
      joinUrl: 'https://video.example.com/j/abc',
      password: '123456',
      vendorName: 'Zoom',
    });
    expect(text.split('\n')).to.deep.equal([
      'You are invited to a Zoom meeting.',
      '',
      'Topic: Contract review with ACME',
      'Time: 2026-12-01 15:00 UTC',
      'Duration: 45 minutes',
      '',
      'Join: https://video.example.com/j/abc',
      'Password: 123456',
    ]);
  });

  it('has no password line when the password is undefined', () => {
    const text = defaultInvitation({ details, joinUrl: 'https://x.test/j', password: undefined, vendorName: 'Jitsi' });
    expect(text).not.to.include('Password');
    expect(text.split('\n')).to.have.length(7);
  });

  it('says "minute" for one minute and "minutes" otherwise', () => {
    const line = (minutes: number): string | undefined =>
      defaultInvitation({
        details: someDetails({ durationMinutes: decoded(DurationMinutes, minutes) }),
        joinUrl: 'https://x.test/j',
        vendorName: 'Zoom',
      })
        .split('\n')
        .find((l) => l.startsWith('Duration:'));
    expect(line(1)).to.equal('Duration: 1 minute');
    expect(line(2)).to.equal('Duration: 2 minutes');
    expect(line(60)).to.equal('Duration: 60 minutes');
    expect(line(1440)).to.equal('Duration: 1440 minutes');
  });

  it('writes the time in UTC whatever the instant was written with', () => {
    const text = defaultInvitation({
      details: someDetails({ start: new Date('2026-12-01T23:30:00-05:00') }),
      joinUrl: 'https://x.test/j',
      vendorName: 'Zoom',
    });
    expect(text).to.include('\nTime: 2026-12-02 04:30 UTC\n');
  });

  it('keeps the topic exactly as given', () => {
    const topic = decoded(Topic, 'Überprüfung 📅 <b>&amp;</b>');
    const text = defaultInvitation({ details: someDetails({ topic }), joinUrl: 'https://x.test/j', vendorName: 'Zoom' });
    expect(text).to.include('\nTopic: Überprüfung 📅 <b>&amp;</b>\n');
  });
});
