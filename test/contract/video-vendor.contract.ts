import { inspect } from 'node:util';

import { expect } from 'chai';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';

import type {
  NewVendorMeeting,
  VendorCall,
  VendorMeeting,
  VendorMeetingRef,
  VideoVendor,
} from '../../src/application/ports/video-vendor.js';
import type { VendorError } from '../../src/domain/errors.js';
import { DurationMinutes, Topic } from '../../src/domain/meeting-details.js';
import { aMeetingId, decoded, someDetails } from '../support/fixtures.js';

/** `find` is `findCreated`. */
export type VendorOperation = 'create' | 'update' | 'delete' | 'find';
export type VendorFailureKind = 'gone' | 'rate_limited' | 'unavailable' | 'rejected' | 'hang';

/**
 * A vendor's fake remote side, armed the way a nock scope is: each `will...` expects exactly one
 * call of that operation and answers it (a real vendor's adapter may make several requests for
 * one operation, the create's invitation say: arming covers them all).
 */
export interface VendorRemote {
  willCreate(): void;
  willUpdate(): void;
  willDelete(): void;
  /**
   * The next `findCreated` meets the vendor's own record of its meetings as it is by then: those
   * created and not deleted through this remote. Arming covers every request one search makes.
   */
  willFind(): void;
  /**
   * The next call of `op` meets this failure at the vendor: the meeting is gone there, the vendor
   * limits our rate (in a way the adapter does not retry), fails (5xx), refuses the request
   * (a 4xx other than auth, limits and gone), or never answers.
   */
  willFail(op: VendorOperation, kind: VendorFailureKind): void;
  /** Asserts that every armed expectation was used, like `scope.done()`. */
  done(): void;
  /**
   * When and how long the vendor's side was told the last created meeting runs, as it received it
   * (Zoom's `start_time` and `duration`, Daily's room window): how the suite checks time conversion.
   * Absent for a vendor with no remote side to ask (its time handling is tested beside it).
   */
  lastScheduled?(): { readonly start: Date; readonly durationMinutes: number } | undefined;
}

/** Every failure a remote side can be armed with. */
export const ALL_VENDOR_FAILURES: readonly VendorFailureKind[] = ['gone', 'rate_limited', 'unavailable', 'rejected', 'hang'];

/**
 * What a remote side can show of `findCreated`:
 * - `created`: the meeting a create made is found (needs a vendor with something at its side);
 * - `not_created`: nothing is found for a meeting never created (another id, topic and start), even
 *   with another meeting there;
 * - `deleted`: a meeting deleted since is no longer found.
 */
export type FindCase = 'created' | 'not_created' | 'deleted';
export const ALL_FIND_CASES: readonly FindCase[] = ['created', 'not_created', 'deleted'];

export interface VideoVendorSubject {
  readonly vendor: VideoVendor;
  readonly remote: VendorRemote;
  /**
   * The failures this vendor's remote side can produce (default: all of them). A vendor with no
   * remote side (Jitsi: no meeting API, no network) cannot meet a vendor that is gone, limits,
   * fails, refuses or hangs; the tests of those failures are skipped for it, never faked, and
   * `willFail` is only ever called with a declared kind.
   */
  readonly failures?: readonly VendorFailureKind[];
  /**
   * The `findCreated` cases this vendor's remote side can show (default: all). A vendor with nothing
   * at its side (Jitsi) cannot show `created`; a fake with no memory (the stub, whose every meeting
   * id names a meeting) cannot show `not_created` nor `deleted`. Those tests are pending, never faked.
   */
  readonly findable?: readonly FindCase[];
  /**
   * The failures its remote side can produce for `findCreated` (default: `failures`; `gone` never
   * applies, since finding nothing is no failure).
   */
  readonly findFailures?: readonly VendorFailureKind[];
  /** A call for a usable link of this vendor (with its access token where it needs one). */
  call(signal?: AbortSignal): VendorCall;
  cleanup(): Promise<void>;
}

/** Signals are made when the call starts, so a create made first does not eat into them. */
type SignalFactory = () => AbortSignal;

const HANG_ABORT_MS = 100;
const PROMPTLY_MS = 2_000;

const show = (value: unknown): string => inspect(value, { depth: 4, breakLength: 120 });

/** Runs a port call; a throw is itself a broken promise, reported as such. */
async function run<A>(what: string, task: TE.TaskEither<VendorError, A>): Promise<E.Either<VendorError, A>> {
  try {
    return await task();
  } catch (thrown: unknown) {
    return expect.fail(`${what} threw ${show(thrown)}: a vendor failure must be a Left value, never a throw`);
  }
}

function succeeded<A>(promise: string, result: E.Either<VendorError, A>): A {
  if (E.isLeft(result)) return expect.fail(`${promise}; it failed with ${show(result.left)}`);
  return result.right;
}

function failedWith<A>(promise: string, tag: VendorError['_tag'], result: E.Either<VendorError, A>): VendorError {
  if (E.isRight(result)) return expect.fail(`${promise}; it succeeded with ${show(result.right)}`);
  expect(result.left._tag, `${promise}; it failed with ${show(result.left)}`).to.equal(tag);
  expect(result.left.message, `${promise}: a ${tag} says what happened in its message`).to.be.a('string').that.is.not.empty;
  return result.left;
}

const WEB_URL = /^https?:\/\/[^/\s]+/;
const MEETING_KEYS = ['invitation', 'joinUrl', 'password', 'vendorRef'];

/**
 * The promises of `VideoVendor` that every adapter keeps, checked against its fake remote side.
 * `make` must return a fresh subject for every test.
 */
export function describeVideoVendorContract(name: string, make: () => Promise<VideoVendorSubject>): void {
  describe(`VideoVendor contract: ${name}`, () => {
    let subject: VideoVendorSubject;

    beforeEach(async () => {
      subject = await make();
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    const create = (signal?: SignalFactory): Promise<E.Either<VendorError, VendorMeeting>> =>
      run('createMeeting', subject.vendor.createMeeting(subject.call(signal?.()), { meetingId: aMeetingId(), details: someDetails() }));

    /** A meeting that exists at the vendor, to update or delete. */
    async function existing(): Promise<VendorMeetingRef> {
      subject.remote.willCreate();
      const created = succeeded('createMeeting must create a meeting (needed to test update and delete)', await create());
      return { meetingId: aMeetingId(), vendorRef: created.vendorRef };
    }

    const update = async (ref: VendorMeetingRef, signal?: SignalFactory): Promise<E.Either<VendorError, void>> =>
      run('updateMeeting', subject.vendor.updateMeeting(subject.call(signal?.()), ref, someDetails({ durationMinutes: decoded(DurationMinutes, 30) })));

    const remove = async (ref: VendorMeetingRef, signal?: SignalFactory): Promise<E.Either<VendorError, void>> =>
      run('deleteMeeting', subject.vendor.deleteMeeting(subject.call(signal?.()), ref));

    const find = async (input: NewVendorMeeting, since: Date, signal?: SignalFactory): Promise<E.Either<VendorError, readonly string[]>> =>
      run('findCreated', subject.vendor.findCreated(subject.call(signal?.()), input, since));

    /** A create's input with fresh details: a topic, start and duration no other test uses. */
    let inputs = 0;
    const anInput = (): NewVendorMeeting => {
      inputs += 1;
      const details = someDetails({
        topic: decoded(Topic, `Contract meeting ${inputs} ${Math.random().toString(36).slice(2, 8)}`),
        start: new Date(Date.UTC(2027, 0, 1 + inputs, 8 + (inputs % 10), 15)),
        durationMinutes: decoded(DurationMinutes, 20 + inputs),
      });
      return { meetingId: aMeetingId(), details };
    };

    /** Creates `input`'s meeting; `since` is taken before, as the caller's pending record would be. */
    async function created(input: NewVendorMeeting): Promise<{ readonly meeting: VendorMeeting; readonly since: Date }> {
      const since = new Date();
      subject.remote.willCreate();
      const meeting = succeeded(
        'createMeeting must create a meeting (needed to test findCreated)',
        await run('createMeeting', subject.vendor.createMeeting(subject.call(), input)),
      );
      return { meeting, since };
    }

    /**
     * Skips the running test (it shows as pending) when the vendor declared that its remote side
     * cannot produce `kind`: the promise under test is about a failure that cannot happen.
     */
    function onlyIfPossible(test: Mocha.Context, kind: VendorFailureKind, op?: VendorOperation): void {
      const possible = op === 'find' ? (subject.findFailures ?? subject.failures ?? ALL_VENDOR_FAILURES) : (subject.failures ?? ALL_VENDOR_FAILURES);
      if (!possible.includes(kind)) test.skip();
    }

    /** Skips the running test (pending) when the vendor's remote side cannot show this `findCreated` case. */
    function onlyIfFindable(test: Mocha.Context, findCase: FindCase): void {
      if (!(subject.findable ?? ALL_FIND_CASES).includes(findCase)) test.skip();
    }

    /** Runs `op` on a fresh meeting (created first where the op needs one). */
    async function perform(op: VendorOperation, arm: () => void, signal?: SignalFactory): Promise<E.Either<VendorError, unknown>> {
      if (op === 'create') {
        arm();
        return create(signal);
      }
      if (op === 'find') {
        arm();
        return find(anInput(), new Date(), signal);
      }
      const ref = await existing();
      arm();
      return op === 'update' ? update(ref, signal) : remove(ref, signal);
    }

    it('names itself', () => {
      expect(subject.vendor.id, 'a vendor has an id').to.be.a('string').that.is.not.empty;
      expect(subject.vendor.displayName, 'a vendor has a name people know it by').to.be.a('string').that.is.not.empty;
    });

    it('createMeeting returns a reference and an absolute join URL, and no host URL', async () => {
      subject.remote.willCreate();

      const meeting = succeeded('createMeeting must create a meeting for the given details', await create());

      expect(meeting.vendorRef, 'createMeeting must return a non-empty vendor reference').to.be.a('string').that.is.not.empty;
      expect(meeting.joinUrl, 'createMeeting must return an absolute http(s) join URL').to.match(WEB_URL);
      expect(URL.canParse(meeting.joinUrl), 'createMeeting must return a join URL that parses').to.be.true;
      const extra = Object.keys(meeting).filter((key) => !MEETING_KEYS.includes(key));
      expect(extra, "createMeeting must return only the port's fields (a host/start URL never leaves the adapter)").to.deep.equal([]);
      if (meeting.password !== undefined) {
        expect(meeting.password, 'a password, when there is one, is not empty').to.be.a('string').that.is.not.empty;
      }
      if (meeting.invitation !== undefined) {
        expect(meeting.invitation, "an invitation, when the vendor gives one, is text (else the service's default is used)")
          .to.be.a('string').that.is.not.empty;
      }
      subject.remote.done();
    });

    it("createMeeting schedules the meeting at the given UTC instant, across midnight and the year's end", async function () {
      const lastScheduled = subject.remote.lastScheduled?.bind(subject.remote);
      if (lastScheduled === undefined) {
        // No remote side to ask (Jitsi, the stub): their time handling is tested next to them.
        this.skip();
      }
      subject.remote.willCreate();
      const start = new Date(Date.UTC(2026, 11, 31, 23, 30));
      const details = someDetails({ start, durationMinutes: decoded(DurationMinutes, 90) });
      succeeded(
        'createMeeting must create a meeting for the given details',
        await run('createMeeting', subject.vendor.createMeeting(subject.call(), { meetingId: aMeetingId(), details })),
      );
      subject.remote.done();
      const scheduled = lastScheduled();
      expect(scheduled?.start.toISOString(), 'the vendor must be given the exact UTC instant of the start').to.equal(start.toISOString());
      expect(scheduled?.durationMinutes, 'the vendor must be given the duration').to.equal(90);
    });

    it('updateMeeting of an existing meeting succeeds', async () => {
      const ref = await existing();
      subject.remote.willUpdate();

      succeeded('updateMeeting of an existing meeting must succeed', await update(ref));
      subject.remote.done();
    });

    it('deleteMeeting of an existing meeting succeeds', async () => {
      const ref = await existing();
      subject.remote.willDelete();

      succeeded('deleteMeeting of an existing meeting must succeed', await remove(ref));
      subject.remote.done();
    });

    it('deleteMeeting of a meeting the vendor no longer has SUCCEEDS', async function () {
      onlyIfPossible(this, 'gone');
      const result = await perform('delete', () => subject.remote.willFail('delete', 'gone'));

      succeeded('deleteMeeting of a meeting the vendor no longer has must succeed: the caller wanted it gone', result);
      subject.remote.done();
    });

    it('updateMeeting of a meeting the vendor no longer has fails with VendorMeetingGone', async function () {
      onlyIfPossible(this, 'gone');
      const result = await perform('update', () => subject.remote.willFail('update', 'gone'));

      failedWith('updateMeeting of a meeting the vendor no longer has must fail with VendorMeetingGone', 'VendorMeetingGone', result);
      subject.remote.done();
    });

    it('findCreated finds the meeting a create made, by its reference', async function () {
      onlyIfFindable(this, 'created');
      const input = anInput();
      const { meeting, since } = await created(input);
      subject.remote.willFind();

      const found = succeeded('findCreated must answer what a create for this input made', await find(input, since));

      expect(found, 'findCreated must find the meeting a create for this input made, by the reference create answered').to.include(
        meeting.vendorRef,
      );
      subject.remote.done();
    });

    it('findCreated finds nothing for a meeting never created, even beside another one', async function () {
      onlyIfFindable(this, 'not_created');
      const { since } = await created(anInput());
      subject.remote.willFind();

      const found = succeeded('findCreated must answer for a meeting never created', await find(anInput(), since));

      expect(found, 'findCreated must find nothing for a meeting never created (another id, topic and start)').to.deep.equal([]);
      subject.remote.done();
    });

    it('findCreated no longer finds a meeting deleted since', async function () {
      onlyIfFindable(this, 'deleted');
      const input = anInput();
      const { meeting, since } = await created(input);
      subject.remote.willDelete();
      succeeded('deleteMeeting must delete the meeting', await remove({ meetingId: input.meetingId, vendorRef: meeting.vendorRef }));
      subject.remote.willFind();

      const found = succeeded('findCreated must answer after a delete', await find(input, since));

      expect(found, 'findCreated must not find a meeting deleted since').not.to.include(meeting.vendorRef);
      subject.remote.done();
    });

    const failures: readonly (readonly [VendorFailureKind, VendorError['_tag'], string])[] = [
      ['rate_limited', 'VendorRateLimited', "the vendor's rate limit must be VendorRateLimited"],
      ['unavailable', 'VendorUnavailable', 'a vendor failure (5xx) must be VendorUnavailable'],
      ['rejected', 'VendorRejected', "the vendor's refusal must be VendorRejected"],
    ];
    for (const op of ['create', 'update', 'delete', 'find'] as const) {
      const opName = op === 'find' ? 'findCreated' : op;
      for (const [kind, tag, promise] of failures) {
        it(`${opName}: ${promise}, a Left value`, async function () {
          onlyIfPossible(this, kind, op);
          const result = await perform(op, () => subject.remote.willFail(op, kind));

          failedWith(`${opName}: ${promise}`, tag, result);
          subject.remote.done();
        });
      }

      it(`${opName}: a vendor that never answers ends with VendorTimeout promptly once the signal aborts`, async function () {
        onlyIfPossible(this, 'hang', op);
        let started = 0;
        const signal = (): AbortSignal => {
          started = performance.now();
          return AbortSignal.timeout(HANG_ABORT_MS);
        };
        const result = await perform(op, () => subject.remote.willFail(op, 'hang'), signal);
        const elapsed = performance.now() - started;

        failedWith(`${opName}: an aborted signal must end the call with VendorTimeout`, 'VendorTimeout', result);
        expect(elapsed, `${opName}: an aborted signal must end the call promptly (took ${Math.round(elapsed)} ms)`).to.be.below(PROMPTLY_MS);
        subject.remote.done();
      });
    }
  });
}
