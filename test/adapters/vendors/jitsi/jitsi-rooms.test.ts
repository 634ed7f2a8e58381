import { expect } from 'chai';

import { newRoomName, randomPart, ROOM_NAME, topicSlug } from '../../../../src/adapters/vendors/kit/room-names.js';

const SHAPE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

describe('Jitsi room names', () => {
  it('start with a slug of the topic: diacritics removed, lowercase, other runs one dash, at most 24', () => {
    expect(topicSlug('Café Überraschung! Q4 review')).to.equal('cafe-uberraschung-q4-rev');
    const room = newRoomName('Café Überraschung! Q4 review');
    expect(room).to.match(/^cafe-uberraschung-q4-rev-[a-z2-7]{16}$/);
    expect(room).to.match(SHAPE).and.match(ROOM_NAME);
  });

  it('never start or end the slug with a dash, even when cut', () => {
    expect(topicSlug('  --Hello,   World!--  ')).to.equal('hello-world');
    expect(topicSlug('abcdefghijklmnopqrstuvw xyz')).to.equal('abcdefghijklmnopqrstuvw');
    expect(topicSlug('ｆｕｌｌｗｉｄｔｈ ﬁ №5')).to.equal('fullwidth-fi-no5');
  });

  it('are just the random part when the topic has nothing to keep', () => {
    for (const topic of ['会議', '!!!', '🎉 🎉', 'Ω']) {
      expect(newRoomName(topic)).to.match(/^[a-z2-7]{16}$/);
    }
  });

  it('have a random part of 16 base32 characters (80 bits) from every byte value', () => {
    expect(randomPart(() => Buffer.alloc(16, 0))).to.equal('a'.repeat(16));
    expect(randomPart(() => Buffer.alloc(16, 255))).to.equal('7'.repeat(16));
    expect(randomPart()).to.match(/^[a-z2-7]{16}$/);
  });

  it('keep the shape for any topic', () => {
    const topics = ['a', 'A-B', 'x'.repeat(500), 'Ünïcödé — “quotes” & <tags>', '../../etc/passwd', 'room?jwt=x#y', 'tab\there'];
    for (const topic of topics) {
      const room = newRoomName(topic);
      expect(room, topic).to.match(SHAPE).and.match(ROOM_NAME);
      expect(room.length, topic).to.be.at.most(41);
    }
  });

  it('are all different over 10 000 creations of the same topic', () => {
    const names = new Set<string>();
    for (let i = 0; i < 10_000; i += 1) names.add(newRoomName('Weekly sync'));
    expect(names.size).to.equal(10_000);
  });
});
