import { expect } from 'chai';

import { derivedRoomName, newRoomName, ROOM_NAME } from '../../../../src/adapters/vendors/kit/room-names.js';
import { aMeetingId } from '../../../support/fixtures.js';

const MEETING = 'AAAAAAAAAAAAAAAAAAAAAA';
const KEY = 'daily-key-1';

describe('Derived room names', () => {
  it('are the same for the same meeting and key: a room can be named again without asking the vendor', () => {
    const meetingId = aMeetingId();
    expect(derivedRoomName('Weekly sync', meetingId, KEY)).to.equal(derivedRoomName('Weekly sync', meetingId, KEY));
  });

  it('are pinned: HMAC-SHA256(key, "pipedrive-video/room-name/v1\\0" + meeting id), 80 bits in base32', () => {
    // A change here renames every room still to be found: findCreated would miss what a create
    // interrupted before a deploy left. Change it only with a new label (v2) and a reason.
    expect(derivedRoomName('Quarterly review', MEETING, KEY)).to.equal('quarterly-review-pj3voujf2lgkdh7t');
    expect(derivedRoomName('会議', MEETING, KEY)).to.equal('pj3voujf2lgkdh7t');
  });

  it('differ with the meeting and with the key: without the key, the meeting id says nothing about the name', () => {
    const names = new Set<string>();
    for (let i = 0; i < 2_000; i += 1) names.add(derivedRoomName('Weekly sync', aMeetingId(), KEY));
    expect(names.size, 'one name per meeting').to.equal(2_000);
    const meetingId = aMeetingId();
    expect(derivedRoomName('Weekly sync', meetingId, KEY)).not.to.equal(derivedRoomName('Weekly sync', meetingId, 'daily-key-2'));
  });

  it('have the shape of random room names, for any topic', () => {
    for (const topic of ['a', 'Café Überraschung! Q4 review', 'x'.repeat(500), '../../etc/passwd', 'room?jwt=x#y', '🎉']) {
      const derived = derivedRoomName(topic, aMeetingId(), KEY);
      expect(derived, topic).to.match(ROOM_NAME);
      expect(derived.replace(/[a-z2-7]{16}$/, ''), topic).to.equal(newRoomName(topic).replace(/[a-z2-7]{16}$/, ''));
      // Daily's rule: A-Z, a-z, 0-9, '-' and '_', at most 128.
      expect(derived, topic).to.match(/^[A-Za-z0-9_-]{1,128}$/);
    }
  });
});
