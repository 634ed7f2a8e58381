import { expect } from 'chai';
import * as O from 'fp-ts/lib/Option.js';
import * as TE from 'fp-ts/lib/TaskEither.js';

import { MemoryLinkRepository } from '../../src/adapters/persistence/memory/memory-link-repository.js';
import { MemoryMeetingRepository } from '../../src/adapters/persistence/memory/memory-meeting-repository.js';
import { StubFaults } from '../../src/adapters/vendors/stub/stub-faults.js';
import { StubVideoVendor } from '../../src/adapters/vendors/stub/stub-video-vendor.js';
import { CreateMeeting } from '../../src/application/meetings/create-meeting.js';
import { DEFAULT_MEETING_SETTINGS, type MeetingCollaborators } from '../../src/application/meetings/meeting-collaborators.js';
import { MemoryCreateClaims } from '../../src/adapters/persistence/memory/memory-create-claims.js';
import { MemoryPendingCreates } from '../../src/adapters/persistence/memory/memory-pending-creates.js';
import { DeleteMeeting } from '../../src/application/meetings/delete-meeting.js';
import { UpdateMeeting } from '../../src/application/meetings/update-meeting.js';
import type { Clock } from '../../src/application/ports/clock.js';
import type { IdGenerator } from '../../src/application/ports/id-generator.js';
import type { Logger } from '../../src/application/ports/logger.js';
import type { MeetingRepository } from '../../src/application/ports/meeting-repository.js';
import type {
  NewVendorMeeting,
  VendorCall,
  VendorMeeting,
  VendorMeetingRef,
  VideoVendor,
} from '../../src/application/ports/video-vendor.js';
import { storeUnavailable, type VendorError } from '../../src/domain/errors.js';
import { LinkId, MeetingId } from '../../src/domain/ids.js';
import type { Link, LinkStatus } from '../../src/domain/link.js';
import type { Meeting } from '../../src/domain/meeting.js';
import { DurationMinutes, type MeetingDetails, Topic } from '../../src/domain/meeting-details.js';
import { expectLeft, expectRight, expectSome } from '../support/either.js';
import { aLink, aMeeting, aVendorId, decoded } from '../support/fixtures.js';

// ---------------------------------------------------------------------------------------------
// Hand-wired world: real memory repositories, the real stub vendor and its fault switchboard, a
// fixed clock and a counting id generator. The only fakes are of our own ports, to observe calls
// (RecordingVendor, RecordingLogger) or to inject a store failure (InsertFailingMeetings).
// ---------------------------------------------------------------------------------------------

const PUBLIC_BASE_URL = 'https://video.example.test';
const CREATED_AT = new Date('2026-05-01T08:00:00.000Z');
const LATER = new Date('2026-05-02T09:30:00.000Z');

class FixedClock implements Clock {
  constructor(public current: Date) {}
  now(): Date {
    return this.current;
  }
}

class CountingIds implements IdGenerator {
  private links = 0;
  private meetings = 0;
  linkId(): LinkId {
    this.links += 1;
    return decoded(LinkId, `00000000-0000-4000-8000-${String(this.links).padStart(12, '0')}`);
  }
  meetingId(): MeetingId {
    this.meetings += 1;
    return decoded(MeetingId, `meeting-${String(this.meetings).padStart(10, '0')}`);
  }
  leaseHolder(): string {
    return `holder-${this.links + this.meetings}`;
  }
}

type VendorCallRecord =
  | { readonly op: 'create'; readonly linkId: LinkId; readonly input: NewVendorMeeting }
  | { readonly op: 'update'; readonly linkId: LinkId; readonly ref: VendorMeetingRef; readonly details: MeetingDetails }
  | { readonly op: 'delete'; readonly linkId: LinkId; readonly ref: VendorMeetingRef; readonly signal: AbortSignal };

/** The real stub, with a log of the calls that actually ran (recorded when the task runs, not when it is built). */
class RecordingVendor implements VideoVendor {
  readonly calls: VendorCallRecord[] = [];
  readonly id;
  readonly displayName;
  readonly connection;

  constructor(private readonly inner: VideoVendor) {
    this.id = inner.id;
    this.displayName = inner.displayName;
    this.connection = inner.connection;
  }

  createMeeting(call: VendorCall, input: NewVendorMeeting): TE.TaskEither<VendorError, VendorMeeting> {
    return () => {
      this.calls.push({ op: 'create', linkId: call.link.linkId, input });
      return this.inner.createMeeting(call, input)();
    };
  }

  updateMeeting(call: VendorCall, ref: VendorMeetingRef, details: MeetingDetails): TE.TaskEither<VendorError, void> {
    return () => {
      this.calls.push({ op: 'update', linkId: call.link.linkId, ref, details });
      return this.inner.updateMeeting(call, ref, details)();
    };
  }

  deleteMeeting(call: VendorCall, ref: VendorMeetingRef): TE.TaskEither<VendorError, void> {
    return () => {
      this.calls.push({ op: 'delete', linkId: call.link.linkId, ref, signal: call.signal });
      return this.inner.deleteMeeting(call, ref)();
    };
  }

  findCreated(call: VendorCall, input: NewVendorMeeting, since: Date): TE.TaskEither<VendorError, readonly string[]> {
    return this.inner.findCreated(call, input, since);
  }
}

interface LogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly fields: Record<string, unknown>;
  readonly message: string;
}
class RecordingLogger implements Logger {
  readonly entries: LogEntry[] = [];
  info(fields: Record<string, unknown>, message: string): void {
    this.entries.push({ level: 'info', fields, message });
  }
  warn(fields: Record<string, unknown>, message: string): void {
    this.entries.push({ level: 'warn', fields, message });
  }
  error(fields: Record<string, unknown>, message: string): void {
    this.entries.push({ level: 'error', fields, message });
  }
}

/** Every method of `inner`, as an object a test can override one method of. */
function delegating(inner: MeetingRepository): MeetingRepository {
  return {
    insert: (m) => inner.insert(m),
    findForLink: (l, m) => inner.findForLink(l, m),
    findByVendorRef: (v, r) => inner.findByVendorRef(v, r),
    save: (m) => inner.save(m),
    lock: (...args) => inner.lock(...args),
    saveLocked: (m, h) => inner.saveLocked(m, h),
    unlock: (...args) => inner.unlock(...args),
    removeAllForLink: (l) => inner.removeAllForLink(l),
  };
}

/** The memory repository, except that every insert answers "store unavailable". */
class InsertFailingMeetings implements MeetingRepository {
  inserts = 0;
  constructor(private readonly inner: MeetingRepository) {}
  insert(_meeting: Meeting): TE.TaskEither<ReturnType<typeof storeUnavailable>, void> {
    return () => {
      this.inserts += 1;
      return TE.left(storeUnavailable('the test made the store fail'))();
    };
  }
  findForLink: MeetingRepository['findForLink'] = (linkId, meetingId) => this.inner.findForLink(linkId, meetingId);
  findByVendorRef: MeetingRepository['findByVendorRef'] = (vendor, ref) => this.inner.findByVendorRef(vendor, ref);
  save: MeetingRepository['save'] = (meeting) => this.inner.save(meeting);
  lock: MeetingRepository['lock'] = (...args) => this.inner.lock(...args);
  saveLocked: MeetingRepository['saveLocked'] = (meeting, holder) => this.inner.saveLocked(meeting, holder);
  unlock: MeetingRepository['unlock'] = (...args) => this.inner.unlock(...args);
  removeAllForLink: MeetingRepository['removeAllForLink'] = (linkId) => this.inner.removeAllForLink(linkId);
}

interface World {
  readonly links: MemoryLinkRepository;
  readonly meetings: MemoryMeetingRepository;
  readonly faults: StubFaults;
  readonly vendor: RecordingVendor;
  readonly clock: FixedClock;
  readonly ids: CountingIds;
  readonly logger: RecordingLogger;
  readonly pending: MemoryPendingCreates;
  readonly claims: MemoryCreateClaims;
  /** Everything the use cases are built with, for tests that build their own. */
  readonly deps: MeetingCollaborators;
  readonly create: CreateMeeting;
  readonly update: UpdateMeeting;
  readonly remove: DeleteMeeting;
}

function world(options: { passcodes?: boolean; meetings?: (memory: MeetingRepository) => MeetingRepository } = {}): World {
  const links = new MemoryLinkRepository();
  const meetings = new MemoryMeetingRepository();
  const store = options.meetings === undefined ? meetings : options.meetings(meetings);
  const faults = new StubFaults();
  const vendor = new RecordingVendor(
    new StubVideoVendor({ publicBaseUrl: PUBLIC_BASE_URL, passcodes: options.passcodes ?? true }, faults),
  );
  const clock = new FixedClock(CREATED_AT);
  const ids = new CountingIds();
  const logger = new RecordingLogger();
  const pending = new MemoryPendingCreates();
  const claims = new MemoryCreateClaims();
  const deps: MeetingCollaborators = {
    links,
    meetings: store,
    pending,
    claims,
    vendor,
    ids,
    clock,
    logger,
    settings: DEFAULT_MEETING_SETTINGS,
  };
  return {
    links,
    meetings,
    faults,
    vendor,
    clock,
    ids,
    logger,
    pending,
    claims,
    deps,
    create: new CreateMeeting(deps),
    update: new UpdateMeeting(deps),
    remove: new DeleteMeeting(deps),
  };
}

const details: MeetingDetails = {
  topic: decoded(Topic, 'Renewal call with ACME'),
  start: new Date('2026-12-01T15:00:00.000Z'),
  durationMinutes: decoded(DurationMinutes, 45),
};
const moved: MeetingDetails = {
  topic: decoded(Topic, 'Renewal call with ACME (moved)'),
  start: new Date('2026-12-02T16:30:00.000Z'),
  durationMinutes: decoded(DurationMinutes, 1),
};

const FIRST_MEETING_ID = 'meeting-0000000001';

/** A signal that never aborts: the default request budget of a test that is not about timeouts. */
const noDeadline = (): AbortSignal => new AbortController().signal;

/** The meeting ids of every pending create the reconciler would find, seen from far in the future. */
async function staleCreates(w: World): Promise<string[]> {
  const future = new Date(Date.UTC(2100, 0, 1));
  const taken = expectRight(await w.pending.takeStale(w.vendor.id, future, 'test', future, future, 100)());
  return taken.map((pending) => pending.meetingId);
}

async function givenLink(w: World, status: LinkStatus = 'active', overrides: Partial<Link> = {}): Promise<Link> {
  const link = aLink({ status, vendor: aVendorId('stub'), ...overrides });
  expectRight(await w.links.insert(link)());
  return link;
}

async function givenMeeting(w: World, link: Link, overrides: Partial<Meeting> = {}): Promise<Meeting> {
  const meeting = aMeeting({
    linkId: link.linkId,
    vendor: aVendorId('stub'),
    details,
    createdAt: CREATED_AT,
    updatedAt: CREATED_AT,
    ...overrides,
  });
  expectRight(await w.meetings.insert(meeting)());
  return meeting;
}

async function storedLink(w: World, link: Link): Promise<Link> {
  return expectSome(expectRight(await w.links.findById(link.linkId)()));
}

async function storedMeeting(w: World, linkId: LinkId, meetingId: string): Promise<O.Option<Meeting>> {
  return expectRight(await w.meetings.findForLink(linkId, decoded(MeetingId, meetingId))());
}

const vendorErrors: readonly VendorError[] = [
  { _tag: 'VendorRateLimited', message: 'slow down', retryAfterSeconds: 30 },
  { _tag: 'VendorRateLimited', message: 'slow down, no hint' },
  { _tag: 'VendorUnavailable', message: 'HTTP 503 from the vendor' },
  { _tag: 'VendorRejected', message: 'topic too long for this vendor' },
  { _tag: 'VendorTimeout', message: 'the vendor adapter gave up' },
];

describe('CreateMeeting', () => {
  it('creates the meeting at the vendor, stores it and returns it, with the default invitation and a passcode', async () => {
    const w = world({ passcodes: true });
    const link = await givenLink(w);

    const meeting = expectRight(await w.create.execute({ linkId: link.linkId, details, signal: noDeadline() })());

    const vendorRef = `stub-${FIRST_MEETING_ID}`;
    const joinUrl = `${PUBLIC_BASE_URL}/stub/meetings/${vendorRef}`;
    expect(meeting.password).to.match(/^\d{6}$/);
    expect(meeting).to.deep.equal({
      meetingId: FIRST_MEETING_ID,
      linkId: link.linkId,
      vendor: 'stub',
      vendorRef,
      details,
      joinUrl,
      password: meeting.password,
      invitation: [
        'You are invited to a Stub Video meeting.',
        '',
        'Topic: Renewal call with ACME',
        'Time: 2026-12-01 15:00 UTC',
        'Duration: 45 minutes',
        '',
        `Join: ${joinUrl}`,
        `Password: ${meeting.password}`,
      ].join('\n'),
      status: 'active',
      createdAt: CREATED_AT,
      updatedAt: CREATED_AT,
    });
    expect(expectSome(await storedMeeting(w, link.linkId, FIRST_MEETING_ID))).to.deep.equal(meeting);
    expect(w.vendor.calls).to.deep.equal([
      { op: 'create', linkId: link.linkId, input: { meetingId: FIRST_MEETING_ID, details } },
    ]);
    expect(w.logger.entries).to.deep.equal([]);
  });

  it('stores no password key at all when the vendor gives none', async () => {
    const w = world({ passcodes: false });
    const link = await givenLink(w);

    const meeting = expectRight(await w.create.execute({ linkId: link.linkId, details, signal: noDeadline() })());

    expect(meeting).not.to.have.property('password');
    expect(meeting.invitation).not.to.include('Password');
    expect(meeting.invitation.split('\n').at(-1)).to.equal(`Join: ${PUBLIC_BASE_URL}/stub/meetings/stub-${FIRST_MEETING_ID}`);
    expect(expectSome(await storedMeeting(w, link.linkId, FIRST_MEETING_ID))).not.to.have.property('password');
  });

  it('gives each meeting its own id, reference and join URL', async () => {
    const w = world();
    const link = await givenLink(w);
    const first = expectRight(await w.create.execute({ linkId: link.linkId, details, signal: noDeadline() })());
    const second = expectRight(await w.create.execute({ linkId: link.linkId, details: moved, signal: noDeadline() })());
    expect([first.meetingId, second.meetingId]).to.deep.equal([FIRST_MEETING_ID, 'meeting-0000000002']);
    expect(second.vendorRef).to.equal('stub-meeting-0000000002');
    expect(second.joinUrl).to.equal(`${PUBLIC_BASE_URL}/stub/meetings/stub-meeting-0000000002`);
    expect(second.details).to.deep.equal(moved);
  });

  it('answers LinkNotFound for an unknown link, without calling the vendor', async () => {
    const w = world();
    const linkId = decoded(LinkId, '3f2c8a9e-5b7d-4c1e-9a0b-1c2d3e4f5a6b');

    const error = expectLeft(await w.create.execute({ linkId, details, signal: noDeadline() })());

    expect(error).to.deep.equal({ _tag: 'LinkNotFound', linkId, reason: 'unknown' });
    expect(w.vendor.calls).to.deep.equal([]);
    expect(O.isNone(await storedMeeting(w, linkId, FIRST_MEETING_ID))).to.equal(true);
  });

  for (const status of ['pending', 'removed'] as const) {
    it(`answers LinkNotFound for a ${status} link, without calling the vendor`, async () => {
      const w = world();
      const link = await givenLink(w, status);

      const error = expectLeft(await w.create.execute({ linkId: link.linkId, details, signal: noDeadline() })());

      expect(error).to.deep.equal({ _tag: 'LinkNotFound', linkId: link.linkId, reason: 'unknown' });
      expect(w.vendor.calls).to.deep.equal([]);
      expect((await storedLink(w, link)).status).to.equal(status);
    });
  }

  it("answers LinkNotFound for an active link of another vendor", async () => {
    const w = world();
    const link = await givenLink(w, 'active', { vendor: aVendorId('zoom') });

    const error = expectLeft(await w.create.execute({ linkId: link.linkId, details, signal: noDeadline() })());

    expect(error).to.deep.equal({ _tag: 'LinkNotFound', linkId: link.linkId, reason: 'unknown' });
    expect(w.vendor.calls).to.deep.equal([]);
  });

  it('answers LinkNeedsReauthorization for a needs_reauth link, and the vendor is not called', async () => {
    const w = world();
    const link = await givenLink(w, 'needs_reauth');
    w.faults.arm('create', { kind: 'fail', error: { _tag: 'VendorUnavailable', message: 'must not be reached' } });

    const error = expectLeft(await w.create.execute({ linkId: link.linkId, details, signal: noDeadline() })());

    expect(error).to.deep.equal({ _tag: 'LinkNeedsReauthorization', linkId: link.linkId });
    expect(w.faults.pending()).to.equal(1);
    expect(w.vendor.calls).to.deep.equal([]);
  });

  it('turns a revoked vendor grant into LinkNeedsReauthorization and flags the link', async () => {
    const w = world();
    const link = await givenLink(w);
    w.clock.current = LATER;
    w.faults.arm('create', { kind: 'fail', error: { _tag: 'VendorAuthorizationRevoked', message: 'invalid_grant' } });

    const error = expectLeft(await w.create.execute({ linkId: link.linkId, details, signal: noDeadline() })());

    expect(error).to.deep.equal({ _tag: 'LinkNeedsReauthorization', linkId: link.linkId });
    expect(await storedLink(w, link)).to.deep.equal({ ...link, status: 'needs_reauth', updatedAt: LATER });
    expect(O.isNone(await storedMeeting(w, link.linkId, FIRST_MEETING_ID))).to.equal(true);
    expect(w.faults.pending()).to.equal(0);

    // The next call is answered from the flag, without asking the vendor again.
    w.faults.arm('create', { kind: 'fail', error: { _tag: 'VendorUnavailable', message: 'must not be reached' } });
    const again = expectLeft(await w.create.execute({ linkId: link.linkId, details, signal: noDeadline() })());
    expect(again).to.deep.equal({ _tag: 'LinkNeedsReauthorization', linkId: link.linkId });
    expect(w.faults.pending()).to.equal(1);
    expect(w.vendor.calls).to.have.length(1);
  });

  for (const vendorError of vendorErrors) {
    it(`passes ${vendorError._tag} (${vendorError.message}) through unchanged and stores nothing`, async () => {
      const w = world();
      const link = await givenLink(w);
      w.faults.arm('create', { kind: 'fail', error: vendorError });

      const error = expectLeft(await w.create.execute({ linkId: link.linkId, details, signal: noDeadline() })());

      expect(error).to.deep.equal(vendorError);
      expect(O.isNone(await storedMeeting(w, link.linkId, FIRST_MEETING_ID))).to.equal(true);
      expect(await storedLink(w, link)).to.deep.equal(link);
      expect(w.vendor.calls.map((call) => call.op)).to.deep.equal(['create']);
      expect(w.faults.pending()).to.equal(0);
    });
  }

  it('answers VendorTimeout promptly when the vendor hangs and the budget runs out', async () => {
    const w = world();
    const link = await givenLink(w);
    w.faults.arm('create', { kind: 'hang' });

    const started = performance.now();
    const error = expectLeft(
      await w.create.execute({ linkId: link.linkId, details, signal: AbortSignal.timeout(50) })(),
    );
    const elapsed = performance.now() - started;

    expect(error._tag).to.equal('VendorTimeout');
    expect(elapsed).to.be.within(40, 1_000);
    expect(O.isNone(await storedMeeting(w, link.linkId, FIRST_MEETING_ID))).to.equal(true);
    expect(await storedLink(w, link)).to.deep.equal(link);
  });

  it('answers VendorTimeout when the budget runs out even if the vendor ignores the signal', async () => {
    const w = world();
    const link = await givenLink(w);
    w.faults.arm('create', { kind: 'hang' });
    // An adapter that does not pass the signal on: the stub then hangs for good.
    const deaf: VideoVendor = {
      id: w.vendor.id,
      displayName: w.vendor.displayName,
      connection: w.vendor.connection,
      createMeeting: (call, input) => w.vendor.createMeeting({ ...call, signal: noDeadline() }, input),
      updateMeeting: (call, ref, d) => w.vendor.updateMeeting(call, ref, d),
      deleteMeeting: (call, ref) => w.vendor.deleteMeeting(call, ref),
      findCreated: (call, input, since) => w.vendor.findCreated(call, input, since),
    };
    const create = new CreateMeeting({ ...w.deps, vendor: deaf });

    const started = performance.now();
    const error = expectLeft(await create.execute({ linkId: link.linkId, details, signal: AbortSignal.timeout(50) })());

    expect(error).to.deep.equal({ _tag: 'VendorTimeout', message: 'the vendor did not answer within the request budget' });
    expect(performance.now() - started).to.be.within(40, 1_000);
    expect(O.isNone(await storedMeeting(w, link.linkId, FIRST_MEETING_ID))).to.equal(true);
  });

  it('answers VendorTimeout at once, without calling the vendor, when the budget is already spent', async () => {
    const w = world();
    const link = await givenLink(w);
    const spent = AbortSignal.abort();

    const error = expectLeft(await w.create.execute({ linkId: link.linkId, details, signal: spent })());

    expect(error).to.deep.equal({ _tag: 'VendorTimeout', message: 'the vendor did not answer within the request budget' });
    expect(w.vendor.calls).to.deep.equal([]);
  });

  it('deletes the vendor meeting again when the store fails after the vendor created it, and answers StoreUnavailable', async () => {
    let failing: InsertFailingMeetings | undefined;
    const w = world({ meetings: (memory) => (failing = new InsertFailingMeetings(memory)) });
    const link = await givenLink(w);

    const error = expectLeft(await w.create.execute({ linkId: link.linkId, details, signal: noDeadline() })());

    expect(error).to.deep.equal({ _tag: 'StoreUnavailable', message: 'the test made the store fail' });
    expect(failing?.inserts).to.equal(1);
    const ref = { meetingId: FIRST_MEETING_ID, vendorRef: `stub-${FIRST_MEETING_ID}` };
    expect(w.vendor.calls.map(({ op, linkId, ...rest }) => ({ op, linkId, ...('ref' in rest ? { ref: rest.ref } : {}) }))).to.deep.equal([
      { op: 'create', linkId: link.linkId },
      { op: 'delete', linkId: link.linkId, ref },
    ]);
    expect(w.logger.entries).to.deep.equal([
      {
        level: 'warn',
        fields: {
          linkId: link.linkId,
          meetingId: FIRST_MEETING_ID,
          vendorRef: `stub-${FIRST_MEETING_ID}`,
          reason: 'the store failed after the vendor created the meeting',
        },
        message: 'create undone: the vendor meeting was deleted again',
      },
    ]);
    // Nothing is left for the reconciler: the vendor meeting is gone already.
    expect(await staleCreates(w)).to.deep.equal([]);
  });

  it('undoes a create whose store write lands after the budget ran out: Pipedrive has its 504 and never learns the id', async () => {
    const request = new AbortController();
    // The budget runs out while the meeting is being written.
    const w = world({ meetings: (memory) => ({ ...delegating(memory), insert: (m) => { request.abort(); return memory.insert(m); } }) });
    const link = await givenLink(w);

    const error = expectLeft(await w.create.execute({ linkId: link.linkId, details, signal: request.signal })());

    expect(error._tag).to.equal('VendorTimeout');
    expect(w.vendor.calls.map((call) => call.op)).to.deep.equal(['create', 'delete']);
    const stored = expectSome(await storedMeeting(w, link.linkId, FIRST_MEETING_ID));
    expect(stored.status).to.equal('deleted');
    expect(await staleCreates(w)).to.deep.equal([]);
  });

  it('keeps the pending record when the vendor timed out, since the vendor may have made the meeting', async () => {
    const w = world();
    const link = await givenLink(w);
    w.faults.arm('create', { kind: 'fail', error: { _tag: 'VendorTimeout', message: 'no answer' } });

    expectLeft(await w.create.execute({ linkId: link.linkId, details, signal: noDeadline() })());

    expect(await staleCreates(w)).to.deep.equal([FIRST_MEETING_ID]);
  });

  it('settles the pending record at once when the vendor refused, since it made nothing', async () => {
    const w = world();
    const link = await givenLink(w);
    w.faults.arm('create', { kind: 'fail', error: { _tag: 'VendorRejected', message: 'bad topic' } });

    expectLeft(await w.create.execute({ linkId: link.linkId, details, signal: noDeadline() })());

    expect(await staleCreates(w)).to.deep.equal([]);
  });

  it('compensates with its own budget, not the request budget that may already be spent', async () => {
    const w = world({ meetings: (memory) => new InsertFailingMeetings(memory) });
    const link = await givenLink(w);
    const request = new AbortController();

    expectLeft(await w.create.execute({ linkId: link.linkId, details, signal: request.signal })());

    const compensation = w.vendor.calls.find((call) => call.op === 'delete');
    expect(compensation?.op).to.equal('delete');
    expect(compensation !== undefined && 'signal' in compensation && compensation.signal !== request.signal).to.equal(true);
  });

  it('logs an orphaned vendor meeting as an error when the compensating delete fails too, and still answers StoreUnavailable', async () => {
    const w = world({ meetings: (memory) => new InsertFailingMeetings(memory) });
    const link = await givenLink(w);
    const vendorError: VendorError = { _tag: 'VendorUnavailable', message: 'HTTP 502' };
    w.faults.arm('delete', { kind: 'fail', error: vendorError });

    const error = expectLeft(await w.create.execute({ linkId: link.linkId, details, signal: noDeadline() })());

    expect(error).to.deep.equal({ _tag: 'StoreUnavailable', message: 'the test made the store fail' });
    expect(w.faults.pending()).to.equal(0);
    expect(w.logger.entries).to.deep.equal([
      {
        level: 'error',
        fields: {
          linkId: link.linkId,
          meetingId: FIRST_MEETING_ID,
          vendorRef: `stub-${FIRST_MEETING_ID}`,
          reason: 'the store failed after the vendor created the meeting',
          vendorError,
        },
        message: 'could not delete the vendor meeting of a failed create; the reconciler will try again',
      },
    ]);
    // The pending record stays: the reconciler's trace of the meeting left at the vendor.
    expect(await staleCreates(w)).to.deep.equal([FIRST_MEETING_ID]);
  });
});

describe('UpdateMeeting', () => {
  it('reschedules the stored meeting at the vendor and here', async () => {
    const w = world();
    const link = await givenLink(w);
    const meeting = await givenMeeting(w, link);
    w.clock.current = LATER;

    expectRight(
      await w.update.execute({ linkId: link.linkId, meetingId: meeting.meetingId, details: moved, signal: noDeadline() })(),
    );

    expect(expectSome(await storedMeeting(w, link.linkId, meeting.meetingId))).to.deep.equal({
      ...meeting,
      details: moved,
      updatedAt: LATER,
    });
    expect(w.vendor.calls).to.deep.equal([
      {
        op: 'update',
        linkId: link.linkId,
        ref: { meetingId: meeting.meetingId, vendorRef: meeting.vendorRef },
        details: moved,
      },
    ]);
  });

  it("answers MeetingNotFound 'unknown' for another link's meeting and leaves it alone", async () => {
    const w = world();
    const link = await givenLink(w);
    const other = await givenLink(w);
    const theirs = await givenMeeting(w, other);

    const error = expectLeft(
      await w.update.execute({ linkId: link.linkId, meetingId: theirs.meetingId, details: moved, signal: noDeadline() })(),
    );

    expect(error).to.deep.equal({ _tag: 'MeetingNotFound', meetingId: theirs.meetingId, reason: 'unknown' });
    expect(expectSome(await storedMeeting(w, other.linkId, theirs.meetingId))).to.deep.equal(theirs);
    expect(w.vendor.calls).to.deep.equal([]);
  });

  it("answers MeetingNotFound 'unknown' for a meeting id nobody has", async () => {
    const w = world();
    const link = await givenLink(w);
    const meetingId = decoded(MeetingId, 'never-created-0001');

    const error = expectLeft(await w.update.execute({ linkId: link.linkId, meetingId, details: moved, signal: noDeadline() })());

    expect(error).to.deep.equal({ _tag: 'MeetingNotFound', meetingId, reason: 'unknown' });
  });

  it("answers MeetingNotFound 'deleted' for a deleted meeting, without calling the vendor", async () => {
    const w = world();
    const link = await givenLink(w);
    const meeting = await givenMeeting(w, link, { status: 'deleted', deletedAt: CREATED_AT });
    w.faults.arm('update', { kind: 'fail', error: { _tag: 'VendorUnavailable', message: 'must not be reached' } });

    const error = expectLeft(
      await w.update.execute({ linkId: link.linkId, meetingId: meeting.meetingId, details: moved, signal: noDeadline() })(),
    );

    expect(error).to.deep.equal({ _tag: 'MeetingNotFound', meetingId: meeting.meetingId, reason: 'deleted' });
    expect(w.faults.pending()).to.equal(1);
    expect(expectSome(await storedMeeting(w, link.linkId, meeting.meetingId))).to.deep.equal(meeting);
  });

  it("answers MeetingNotFound 'gone_at_vendor' when the vendor no longer has it, and records it as deleted", async () => {
    const w = world();
    const link = await givenLink(w);
    const meeting = await givenMeeting(w, link);
    w.clock.current = LATER;
    w.faults.arm('update', { kind: 'fail', error: { _tag: 'VendorMeetingGone', message: 'HTTP 404' } });

    const error = expectLeft(
      await w.update.execute({ linkId: link.linkId, meetingId: meeting.meetingId, details: moved, signal: noDeadline() })(),
    );

    expect(error).to.deep.equal({ _tag: 'MeetingNotFound', meetingId: meeting.meetingId, reason: 'gone_at_vendor' });
    expect(expectSome(await storedMeeting(w, link.linkId, meeting.meetingId))).to.deep.equal({
      ...meeting,
      status: 'deleted',
      updatedAt: LATER,
      deletedAt: LATER,
    });

    // Pipedrive's delete that follows is then a quiet success, without the vendor.
    w.faults.arm('delete', { kind: 'fail', error: { _tag: 'VendorUnavailable', message: 'must not be reached' } });
    expectRight(await w.remove.execute({ linkId: link.linkId, meetingId: meeting.meetingId, signal: noDeadline() })());
    expect(w.faults.pending()).to.equal(1);
  });

  it('turns a revoked grant into LinkNeedsReauthorization, flags the link and keeps the meeting as it was', async () => {
    const w = world();
    const link = await givenLink(w);
    const meeting = await givenMeeting(w, link);
    w.clock.current = LATER;
    w.faults.arm('update', { kind: 'fail', error: { _tag: 'VendorAuthorizationRevoked', message: 'token revoked' } });

    const error = expectLeft(
      await w.update.execute({ linkId: link.linkId, meetingId: meeting.meetingId, details: moved, signal: noDeadline() })(),
    );

    expect(error).to.deep.equal({ _tag: 'LinkNeedsReauthorization', linkId: link.linkId });
    expect((await storedLink(w, link)).status).to.equal('needs_reauth');
    expect(expectSome(await storedMeeting(w, link.linkId, meeting.meetingId))).to.deep.equal(meeting);
  });

  for (const vendorError of vendorErrors) {
    it(`passes ${vendorError._tag} (${vendorError.message}) through and keeps the meeting as it was`, async () => {
      const w = world();
      const link = await givenLink(w);
      const meeting = await givenMeeting(w, link);
      w.clock.current = LATER;
      w.faults.arm('update', { kind: 'fail', error: vendorError });

      const error = expectLeft(
        await w.update.execute({ linkId: link.linkId, meetingId: meeting.meetingId, details: moved, signal: noDeadline() })(),
      );

      expect(error).to.deep.equal(vendorError);
      expect(expectSome(await storedMeeting(w, link.linkId, meeting.meetingId))).to.deep.equal(meeting);
    });
  }

  it('answers VendorTimeout promptly when the vendor hangs, and keeps the meeting as it was', async () => {
    const w = world();
    const link = await givenLink(w);
    const meeting = await givenMeeting(w, link);
    w.faults.arm('update', { kind: 'hang' });

    const started = performance.now();
    const error = expectLeft(
      await w.update.execute({
        linkId: link.linkId,
        meetingId: meeting.meetingId,
        details: moved,
        signal: AbortSignal.timeout(50),
      })(),
    );

    expect(error._tag).to.equal('VendorTimeout');
    expect(performance.now() - started).to.be.within(40, 1_000);
    expect(expectSome(await storedMeeting(w, link.linkId, meeting.meetingId))).to.deep.equal(meeting);
  });

  it('answers LinkNeedsReauthorization for a flagged link without calling the vendor', async () => {
    const w = world();
    const link = await givenLink(w, 'needs_reauth');
    const meeting = await givenMeeting(w, link);

    const error = expectLeft(
      await w.update.execute({ linkId: link.linkId, meetingId: meeting.meetingId, details: moved, signal: noDeadline() })(),
    );

    expect(error).to.deep.equal({ _tag: 'LinkNeedsReauthorization', linkId: link.linkId });
    expect(w.vendor.calls).to.deep.equal([]);
  });
});

describe('DeleteMeeting', () => {
  it('deletes the meeting at the vendor and marks it deleted here', async () => {
    const w = world();
    const link = await givenLink(w);
    const meeting = await givenMeeting(w, link);
    w.clock.current = LATER;

    expectRight(await w.remove.execute({ linkId: link.linkId, meetingId: meeting.meetingId, signal: noDeadline() })());

    expect(expectSome(await storedMeeting(w, link.linkId, meeting.meetingId))).to.deep.equal({
      ...meeting,
      status: 'deleted',
      updatedAt: LATER,
      deletedAt: LATER,
    });
    expect(w.vendor.calls.map((call) => ('ref' in call ? { op: call.op, ref: call.ref } : call))).to.deep.equal([
      { op: 'delete', ref: { meetingId: meeting.meetingId, vendorRef: meeting.vendorRef } },
    ]);
  });

  it('succeeds again for an already deleted meeting without calling the vendor or changing it', async () => {
    const w = world();
    const link = await givenLink(w);
    const meeting = await givenMeeting(w, link);
    w.clock.current = LATER;
    expectRight(await w.remove.execute({ linkId: link.linkId, meetingId: meeting.meetingId, signal: noDeadline() })());
    const afterFirst = expectSome(await storedMeeting(w, link.linkId, meeting.meetingId));

    w.clock.current = new Date('2026-05-03T00:00:00.000Z');
    w.faults.arm('delete', { kind: 'fail', error: { _tag: 'VendorUnavailable', message: 'must not be reached' } });
    expectRight(await w.remove.execute({ linkId: link.linkId, meetingId: meeting.meetingId, signal: noDeadline() })());

    expect(w.faults.pending()).to.equal(1);
    expect(w.vendor.calls).to.have.length(1);
    expect(expectSome(await storedMeeting(w, link.linkId, meeting.meetingId))).to.deep.equal(afterFirst);
  });

  it('succeeds and marks the meeting deleted when the vendor no longer has it (the adapter answers success)', async () => {
    // The port's promise: deleting a meeting the vendor no longer has succeeds. The stub's success
    // is exactly that answer.
    const w = world();
    const link = await givenLink(w);
    const meeting = await givenMeeting(w, link);
    w.clock.current = LATER;

    expectRight(await w.remove.execute({ linkId: link.linkId, meetingId: meeting.meetingId, signal: noDeadline() })());

    expect(expectSome(await storedMeeting(w, link.linkId, meeting.meetingId)).status).to.equal('deleted');
  });

  // An adapter that says "gone" anyway, against the port's promise: what the caller wanted is still true.
  it('succeeds and marks the meeting deleted when the vendor answers VendorMeetingGone anyway', async () => {
    const w = world();
    const link = await givenLink(w);
    const meeting = await givenMeeting(w, link);
    w.clock.current = LATER;
    w.faults.arm('delete', { kind: 'fail', error: { _tag: 'VendorMeetingGone', message: 'HTTP 404' } });

    expectRight(await w.remove.execute({ linkId: link.linkId, meetingId: meeting.meetingId, signal: noDeadline() })());

    expect(expectSome(await storedMeeting(w, link.linkId, meeting.meetingId))).to.deep.equal({
      ...meeting,
      status: 'deleted',
      updatedAt: LATER,
      deletedAt: LATER,
    });
  });

  for (const vendorError of vendorErrors) {
    it(`leaves the meeting active on ${vendorError._tag} (${vendorError.message}), and a retry then deletes it`, async () => {
      const w = world();
      const link = await givenLink(w);
      const meeting = await givenMeeting(w, link);
      w.clock.current = LATER;
      w.faults.arm('delete', { kind: 'fail', error: vendorError });

      const error = expectLeft(
        await w.remove.execute({ linkId: link.linkId, meetingId: meeting.meetingId, signal: noDeadline() })(),
      );

      expect(error).to.deep.equal(vendorError);
      expect(expectSome(await storedMeeting(w, link.linkId, meeting.meetingId))).to.deep.equal(meeting);

      expectRight(await w.remove.execute({ linkId: link.linkId, meetingId: meeting.meetingId, signal: noDeadline() })());
      expect(expectSome(await storedMeeting(w, link.linkId, meeting.meetingId)).status).to.equal('deleted');
    });
  }

  it('turns a revoked grant into LinkNeedsReauthorization, flags the link and leaves the meeting active', async () => {
    const w = world();
    const link = await givenLink(w);
    const meeting = await givenMeeting(w, link);
    w.clock.current = LATER;
    w.faults.arm('delete', { kind: 'fail', error: { _tag: 'VendorAuthorizationRevoked', message: 'token revoked' } });

    const error = expectLeft(
      await w.remove.execute({ linkId: link.linkId, meetingId: meeting.meetingId, signal: noDeadline() })(),
    );

    expect(error).to.deep.equal({ _tag: 'LinkNeedsReauthorization', linkId: link.linkId });
    expect(await storedLink(w, link)).to.deep.equal({ ...link, status: 'needs_reauth', updatedAt: LATER });
    expect(expectSome(await storedMeeting(w, link.linkId, meeting.meetingId))).to.deep.equal(meeting);
  });

  it('answers VendorTimeout promptly when the vendor hangs, and leaves the meeting active', async () => {
    const w = world();
    const link = await givenLink(w);
    const meeting = await givenMeeting(w, link);
    w.faults.arm('delete', { kind: 'hang' });

    const started = performance.now();
    const error = expectLeft(
      await w.remove.execute({ linkId: link.linkId, meetingId: meeting.meetingId, signal: AbortSignal.timeout(50) })(),
    );

    expect(error._tag).to.equal('VendorTimeout');
    expect(performance.now() - started).to.be.within(40, 1_000);
    expect(expectSome(await storedMeeting(w, link.linkId, meeting.meetingId))).to.deep.equal(meeting);
  });

  it("answers MeetingNotFound 'unknown' for another link's meeting and leaves it alone", async () => {
    const w = world();
    const link = await givenLink(w);
    const other = await givenLink(w);
    const theirs = await givenMeeting(w, other);

    const error = expectLeft(
      await w.remove.execute({ linkId: link.linkId, meetingId: theirs.meetingId, signal: noDeadline() })(),
    );

    expect(error).to.deep.equal({ _tag: 'MeetingNotFound', meetingId: theirs.meetingId, reason: 'unknown' });
    expect(expectSome(await storedMeeting(w, other.linkId, theirs.meetingId))).to.deep.equal(theirs);
    expect(w.vendor.calls).to.deep.equal([]);
  });

  it('answers LinkNotFound for a removed link without calling the vendor', async () => {
    const w = world();
    const link = await givenLink(w, 'removed');
    const meeting = await givenMeeting(w, link);

    const error = expectLeft(
      await w.remove.execute({ linkId: link.linkId, meetingId: meeting.meetingId, signal: noDeadline() })(),
    );

    expect(error).to.deep.equal({ _tag: 'LinkNotFound', linkId: link.linkId, reason: 'unknown' });
    expect(w.vendor.calls).to.deep.equal([]);
    expect(expectSome(await storedMeeting(w, link.linkId, meeting.meetingId))).to.deep.equal(meeting);
  });
});

describe('the meeting use cases together', () => {
  it('create, update and delete one meeting end to end', async () => {
    const w = world({ passcodes: false });
    const link = await givenLink(w);

    const created = expectRight(await w.create.execute({ linkId: link.linkId, details, signal: noDeadline() })());
    w.clock.current = LATER;
    expectRight(
      await w.update.execute({ linkId: link.linkId, meetingId: created.meetingId, details: moved, signal: noDeadline() })(),
    );
    const deletedAt = new Date('2026-05-03T10:00:00.000Z');
    w.clock.current = deletedAt;
    expectRight(await w.remove.execute({ linkId: link.linkId, meetingId: created.meetingId, signal: noDeadline() })());

    expect(expectSome(await storedMeeting(w, link.linkId, created.meetingId))).to.deep.equal({
      ...created,
      details: moved,
      status: 'deleted',
      updatedAt: deletedAt,
      deletedAt,
    });
    expect(w.vendor.calls.map((call) => call.op)).to.deep.equal(['create', 'update', 'delete']);
    expect(w.faults.pending()).to.equal(0);
  });
});

describe('a vendor without per-user grants whose deployment credentials are refused', () => {
  it('answers VendorRejected and flags no link', async () => {
    const w = world();
    const link = await givenLink(w);
    w.faults.arm('create', { kind: 'fail', error: { _tag: 'VendorTokenRejected', message: 'bad deployment key' } });
    const error = expectLeft(await w.create.execute({ linkId: link.linkId, details, signal: noDeadline() })());
    expect(error._tag).to.equal('VendorRejected');
    expect((error as { message: string }).message).to.contain('bad deployment key');
    expect(await storedLink(w, link)).to.deep.equal(link);
  });
});
