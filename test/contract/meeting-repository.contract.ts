import { expect } from 'chai';

import type { MeetingRepository } from '../../src/application/ports/meeting-repository.js';
import { deleted, type Meeting, rescheduled } from '../../src/domain/meeting.js';
import { DurationMinutes, Topic } from '../../src/domain/meeting-details.js';
import { expectNone, expectRight, expectSome } from '../support/either.js';
import { aLinkId, aMeeting, aMeetingId, aVendorId, decoded, someDetails, T1, T2 } from '../support/fixtures.js';

export interface MeetingRepositorySubject {
  readonly repo: MeetingRepository;
  cleanup(): Promise<void>;
}

/**
 * The promises of `MeetingRepository` that every adapter keeps. `make` must return an empty store,
 * a fresh one for every test.
 */
export function describeMeetingRepositoryContract(name: string, make: () => Promise<MeetingRepositorySubject>): void {
  describe(`${name}: MeetingRepository contract`, () => {
    let repo: MeetingRepository;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      const subject = await make();
      repo = subject.repo;
      cleanup = subject.cleanup;
    });

    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    const stored = async (meeting: Meeting): Promise<Meeting> =>
      expectSome(expectRight(await repo.findForLink(meeting.linkId, meeting.meetingId)()));

    describe('insert and findForLink', () => {
      it('finds an inserted meeting without a password, with every field as inserted', async () => {
        const meeting = aMeeting();
        expectRight(await repo.insert(meeting)());

        const found = await stored(meeting);

        expect(found).to.deep.equal(meeting);
        expect(found).not.to.have.property('password');
        expect(found).not.to.have.property('deletedAt');
        expect(found.details.start.getTime()).to.equal(meeting.details.start.getTime());
      });

      it('finds an inserted meeting with its password', async () => {
        const meeting = aMeeting({ password: 'p4ss-w0rd' });
        expectRight(await repo.insert(meeting)());

        expect(await stored(meeting)).to.deep.equal(meeting);
      });

      it('finds a deleted meeting with the instant it was deleted', async () => {
        const meeting = deleted(aMeeting({ password: 'secret' }), T2);
        expectRight(await repo.insert(meeting)());

        const found = await stored(meeting);

        expect(found).to.deep.equal(meeting);
        expect(found.status).to.equal('deleted');
        expect(found.deletedAt?.getTime()).to.equal(T2.getTime());
      });

      it("answers None for another link's meeting id", async () => {
        const meeting = aMeeting();
        expectRight(await repo.insert(meeting)());

        expectNone(expectRight(await repo.findForLink(aLinkId(), meeting.meetingId)()));
      });

      it('answers None for an unknown meeting id of a known link', async () => {
        const meeting = aMeeting();
        expectRight(await repo.insert(meeting)());

        expectNone(expectRight(await repo.findForLink(meeting.linkId, aMeetingId())()));
      });

      it('does nothing until the insert task runs', async () => {
        const meeting = aMeeting();

        const task = repo.insert(meeting);
        expectNone(expectRight(await repo.findForLink(meeting.linkId, meeting.meetingId)()));

        expectRight(await task());
        await stored(meeting);
      });
    });

    describe('findByVendorRef', () => {
      it("finds a meeting by its vendor's reference", async () => {
        const meeting = aMeeting({ password: 'pw' });
        expectRight(await repo.insert(meeting)());
        expectRight(await repo.insert(aMeeting())());

        const found = expectSome(expectRight(await repo.findByVendorRef(meeting.vendor, meeting.vendorRef)()));

        expect(found).to.deep.equal(meeting);
      });

      it("answers None for an unknown reference, and for another vendor's same reference", async () => {
        const meeting = aMeeting({ vendor: aVendorId('zoom'), vendorRef: '85746065432' });
        expectRight(await repo.insert(meeting)());

        expectNone(expectRight(await repo.findByVendorRef(meeting.vendor, '85746065433')()));
        expectNone(expectRight(await repo.findByVendorRef(aVendorId('jitsi'), meeting.vendorRef)()));
      });
    });

    describe('save', () => {
      it('replaces the stored meeting and answers true', async () => {
        const meeting = aMeeting({ password: 'pw' });
        expectRight(await repo.insert(meeting)());
        const details = someDetails({
          topic: decoded(Topic, 'Moved review'),
          start: new Date('2026-04-02T11:00:00.250Z'),
          durationMinutes: decoded(DurationMinutes, 90),
        });
        const changed = rescheduled(meeting, details, T2);

        expect(expectRight(await repo.save(changed)())).to.equal(true);

        expect(await stored(meeting)).to.deep.equal(changed);
      });

      it('drops optional fields the new version no longer has', async () => {
        const { password: _dropped, ...withoutPassword } = aMeeting({ password: 'pw' });
        const meeting: Meeting = withoutPassword;
        expectRight(await repo.insert({ ...meeting, password: 'pw' })());

        expect(expectRight(await repo.save(meeting)())).to.equal(true);

        const found = await stored(meeting);
        expect(found).to.deep.equal(meeting);
        expect(found).not.to.have.property('password');
      });

      it('stores a deletion', async () => {
        const meeting = aMeeting();
        expectRight(await repo.insert(meeting)());

        expect(expectRight(await repo.save(deleted(meeting, T2))())).to.equal(true);

        expect(await stored(meeting)).to.deep.equal(deleted(meeting, T2));
      });

      it('answers false for an unknown meeting and stores nothing', async () => {
        const meeting = aMeeting();

        expect(expectRight(await repo.save(meeting)())).to.equal(false);

        expectNone(expectRight(await repo.findForLink(meeting.linkId, meeting.meetingId)()));
        expectNone(expectRight(await repo.findByVendorRef(meeting.vendor, meeting.vendorRef)()));
      });

      it('answers false for the right meeting id under another link and leaves the stored meeting as it was', async () => {
        const meeting = aMeeting();
        expectRight(await repo.insert(meeting)());
        const moved = rescheduled(meeting, someDetails({ topic: decoded(Topic, 'Hijacked') }), T2);
        const hijack: Meeting = { ...moved, linkId: aLinkId() };

        expect(expectRight(await repo.save(hijack)())).to.equal(false);

        expect(await stored(meeting)).to.deep.equal(meeting);
        expectNone(expectRight(await repo.findForLink(hijack.linkId, meeting.meetingId)()));
      });

      it('does nothing until the save task runs', async () => {
        const meeting = aMeeting();
        expectRight(await repo.insert(meeting)());
        const changed = deleted(meeting, T2);

        const task = repo.save(changed);
        expect(await stored(meeting)).to.deep.equal(meeting);

        expect(expectRight(await task())).to.equal(true);
        expect(await stored(meeting)).to.deep.equal(changed);
      });
    });

    describe('lock, saveLocked and unlock', () => {
      const later = (from: Date, ms: number): Date => new Date(from.getTime() + ms);

      it('locks a meeting of the link for one holder and hands back the meeting as stored', async () => {
        const meeting = aMeeting({ password: 'p4ss' });
        expectRight(await repo.insert(meeting)());

        const taken = expectRight(await repo.lock(meeting.linkId, meeting.meetingId, 'a', T1, later(T1, 30_000))());

        expect(taken).to.deep.equal({ _tag: 'Locked', meeting });
      });

      it('answers Busy to a second holder while the lock is held, and Locked once its time is past', async () => {
        const meeting = aMeeting();
        expectRight(await repo.insert(meeting)());
        expectRight(await repo.lock(meeting.linkId, meeting.meetingId, 'a', T1, later(T1, 30_000))());

        expect(expectRight(await repo.lock(meeting.linkId, meeting.meetingId, 'b', later(T1, 29_999), later(T1, 60_000))())).to.deep.equal({
          _tag: 'Busy',
        });
        expect(expectRight(await repo.lock(meeting.linkId, meeting.meetingId, 'b', later(T1, 30_000), later(T1, 60_000))())._tag).to.equal(
          'Locked',
        );
        // The first holder lost it: its write must not land.
        expect(expectRight(await repo.saveLocked(deleted(meeting, T2), 'a')())).to.equal(false);
        expect(await stored(meeting)).to.deep.equal(meeting);
      });

      it("answers Missing for another link's meeting and for an unknown one", async () => {
        const meeting = aMeeting();
        expectRight(await repo.insert(meeting)());

        expect(expectRight(await repo.lock(aLinkId(), meeting.meetingId, 'a', T1, T2)())).to.deep.equal({ _tag: 'Missing' });
        expect(expectRight(await repo.lock(meeting.linkId, aMeetingId(), 'a', T1, T2)())).to.deep.equal({ _tag: 'Missing' });
      });

      it('gives the lock to exactly one of several holders asking at once', async () => {
        const meeting = aMeeting();
        expectRight(await repo.insert(meeting)());

        const outcomes = await Promise.all(
          ['a', 'b', 'c', 'd', 'e'].map(async (holder) =>
            expectRight(await repo.lock(meeting.linkId, meeting.meetingId, holder, T1, later(T1, 30_000))())._tag,
          ),
        );

        expect(outcomes.filter((tag) => tag === 'Locked')).to.have.length(1);
        expect(outcomes.filter((tag) => tag === 'Busy')).to.have.length(4);
      });

      it('saveLocked stores the change and releases the lock in one write', async () => {
        const meeting = aMeeting();
        expectRight(await repo.insert(meeting)());
        expectRight(await repo.lock(meeting.linkId, meeting.meetingId, 'a', T1, later(T1, 30_000))());
        const changed = rescheduled(meeting, someDetails({ topic: decoded(Topic, 'Moved') }), T2);

        expect(expectRight(await repo.saveLocked(changed, 'a')())).to.equal(true);

        expect(await stored(meeting)).to.deep.equal(changed);
        const next = expectRight(await repo.lock(meeting.linkId, meeting.meetingId, 'b', T1, later(T1, 30_000))());
        expect(next).to.deep.equal({ _tag: 'Locked', meeting: changed });
      });

      it('saveLocked by someone not holding the lock changes nothing', async () => {
        const meeting = aMeeting();
        expectRight(await repo.insert(meeting)());

        expect(expectRight(await repo.saveLocked(deleted(meeting, T2), 'nobody')())).to.equal(false);
        expectRight(await repo.lock(meeting.linkId, meeting.meetingId, 'a', T1, later(T1, 30_000))());
        expect(expectRight(await repo.saveLocked(deleted(meeting, T2), 'b')())).to.equal(false);

        expect(await stored(meeting)).to.deep.equal(meeting);
      });

      it("unlock releases only the holder's own lock and leaves the meeting as it was", async () => {
        const meeting = aMeeting();
        expectRight(await repo.insert(meeting)());
        expectRight(await repo.lock(meeting.linkId, meeting.meetingId, 'a', T1, later(T1, 30_000))());

        expectRight(await repo.unlock(meeting.linkId, meeting.meetingId, 'b')());
        expect(expectRight(await repo.lock(meeting.linkId, meeting.meetingId, 'b', T1, later(T1, 30_000))())._tag).to.equal('Busy');

        expectRight(await repo.unlock(meeting.linkId, meeting.meetingId, 'a')());
        expect(expectRight(await repo.lock(meeting.linkId, meeting.meetingId, 'b', T1, later(T1, 30_000))())).to.deep.equal({
          _tag: 'Locked',
          meeting,
        });
        expect(await stored(meeting)).to.deep.equal(meeting);
      });
    });

    describe('removeAllForLink', () => {
      it("removes only that link's meetings and answers how many", async () => {
        const linkId = aLinkId();
        const mine = [aMeeting({ linkId }), deleted(aMeeting({ linkId }), T2)];
        const theirs = aMeeting();
        for (const meeting of [...mine, theirs]) expectRight(await repo.insert(meeting)());

        expect(expectRight(await repo.removeAllForLink(linkId)())).to.equal(2);

        for (const meeting of mine) expectNone(expectRight(await repo.findForLink(linkId, meeting.meetingId)()));
        expect(await stored(theirs)).to.deep.equal(theirs);
        expect(expectRight(await repo.removeAllForLink(linkId)())).to.equal(0);
      });

      it('answers 0 for a link without meetings', async () => {
        expectRight(await repo.insert(aMeeting())());

        expect(expectRight(await repo.removeAllForLink(aLinkId())())).to.equal(0);
      });
    });
  });
}
