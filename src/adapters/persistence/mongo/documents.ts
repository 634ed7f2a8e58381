import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';

import { LinkId, MeetingId, PipedriveId, VendorId } from '../../../domain/ids.js';
import type { Link, PipedriveGrant, RefreshLease, SealedSecret, VendorGrant } from '../../../domain/link.js';
import type { Meeting } from '../../../domain/meeting.js';
import { DurationMinutes, Topic } from '../../../domain/meeting-details.js';

/**
 * The shapes stored in MongoDB, and the only way in and out of them. `_id` repeats our own id so
 * that every lookup by id hits the primary key, while the named field keeps documents readable and
 * queries explicit. Dates are BSON dates (sortable, TTL-able, millisecond precision); optional
 * values are absent rather than null, so "no password" has one spelling.
 */

export const LINKS = 'links';
export const MEETINGS = 'meetings';
export const OAUTH_STATES = 'oauth_states';
export const PENDING_CREATES = 'pending_creates';
export const CREATE_CLAIMS = 'create_claims';

const isValidDate = (u: unknown): u is Date => u instanceof Date && !Number.isNaN(u.getTime());

/** A BSON date, which the driver hands back as a JS `Date`. */
const BsonDate = new t.Type<Date, Date, unknown>(
  'BsonDate',
  isValidDate,
  (u, c) => (isValidDate(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

const LinkStatusField = t.keyof({ pending: null, active: null, needs_reauth: null, removed: null }, 'LinkStatus');

const isSealed = (u: unknown): u is SealedSecret => typeof u === 'string' && u !== '';

/**
 * A sealed (encrypted) token, stored as the string the cipher made: the store never opens it, so
 * all it can check is that one is there.
 */
const SealedSecretField = new t.Type<SealedSecret, string, unknown>(
  'SealedSecret',
  isSealed,
  (u, c) => (isSealed(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

const PipedriveGrantDocument = t.type(
  { apiDomain: t.string, accessToken: SealedSecretField, refreshToken: SealedSecretField, expiresAt: BsonDate },
  'PipedriveGrantDocument',
);
type PipedriveGrantDocument = t.TypeOf<typeof PipedriveGrantDocument>;

const VendorGrantDocument = t.intersection(
  [
    t.type({ accessToken: SealedSecretField }),
    t.partial({ refreshToken: SealedSecretField, expiresAt: BsonDate, vendorUserId: t.string }),
  ],
  'VendorGrantDocument',
);
type VendorGrantDocument = t.TypeOf<typeof VendorGrantDocument>;

const RefreshLeaseDocument = t.type({ holder: t.string, until: BsonDate }, 'RefreshLeaseDocument');
type RefreshLeaseDocument = t.TypeOf<typeof RefreshLeaseDocument>;

const LeasesDocument = t.partial({ pipedrive: RefreshLeaseDocument, vendor: RefreshLeaseDocument }, 'LeasesDocument');
type LeasesDocument = t.TypeOf<typeof LeasesDocument>;

export const LinkDocument = t.intersection(
  [
    t.type({
      _id: LinkId,
      linkId: LinkId,
      companyId: PipedriveId,
      userId: PipedriveId,
      vendor: VendorId,
      status: LinkStatusField,
      createdAt: BsonDate,
      updatedAt: BsonDate,
    }),
    t.partial({ pipedrive: PipedriveGrantDocument, vendorGrant: VendorGrantDocument, leases: LeasesDocument }),
  ],
  'LinkDocument',
);
export type LinkDocument = t.TypeOf<typeof LinkDocument>;

/** A used OAuth `state`, kept until it expires (a TTL index deletes it then); never read back. */
export interface OAuthStateDocument {
  readonly _id: string;
  readonly expiresAt: Date;
}

const MeetingDetailsDocument = t.type(
  { topic: Topic, start: BsonDate, durationMinutes: DurationMinutes },
  'MeetingDetailsDocument',
);

export const MeetingDocument = t.intersection(
  [
    t.type({
      _id: MeetingId,
      meetingId: MeetingId,
      linkId: LinkId,
      vendor: VendorId,
      // A string whatever the vendor: Zoom's ids are int64 and would lose digits as a double.
      vendorRef: t.string,
      details: MeetingDetailsDocument,
      joinUrl: t.string,
      invitation: t.string,
      status: t.keyof({ active: null, deleted: null }, 'MeetingStatus'),
      createdAt: BsonDate,
      updatedAt: BsonDate,
    }),
    t.partial({ password: t.string, deletedAt: BsonDate }),
  ],
  'MeetingDocument',
);
export type MeetingDocument = t.TypeOf<typeof MeetingDocument>;

export const PendingCreateDocument = t.intersection(
  [
    t.type({
      _id: MeetingId,
      meetingId: MeetingId,
      linkId: LinkId,
      vendor: VendorId,
      details: MeetingDetailsDocument,
      startedAt: BsonDate,
    }),
    // Who is reconciling it, and until when.
    t.partial({ holder: t.type({ name: t.string, until: BsonDate }) }),
  ],
  'PendingCreateDocument',
);
export type PendingCreateDocument = t.TypeOf<typeof PendingCreateDocument>;

export const decodePendingCreate = (raw: unknown): PendingCreateDocument =>
  decodeDocument(PENDING_CREATES, PendingCreateDocument, raw, (doc) => doc._id === doc.meetingId, 'meetingId');

/** A claim on identical creates: `_id` is the create's key. */
export interface CreateClaimDocument {
  readonly _id: string;
  readonly meetingId: string;
  readonly expiresAt: Date;
}

export function toLinkDocument(link: Link): LinkDocument {
  return {
    _id: link.linkId,
    linkId: link.linkId,
    companyId: link.companyId,
    userId: link.userId,
    vendor: link.vendor,
    status: link.status,
    createdAt: link.createdAt,
    updatedAt: link.updatedAt,
    ...optional('pipedrive', link.pipedrive === undefined ? undefined : pipedriveGrantFields(link.pipedrive)),
    ...optional('vendorGrant', link.vendorGrant === undefined ? undefined : vendorGrantFields(link.vendorGrant)),
    ...optional('leases', leasesFields(link.leases ?? {})),
  };
}

/*
 * Grants and leases have the same shape in the domain and in a document, and are copied field by
 * field in both directions: a property the domain object
 * happens to carry never reaches the store, one the store happens to hold never reaches the domain,
 * and an optional field left `undefined` is left out rather than stored as null by the driver.
 */

export function pipedriveGrantFields(grant: PipedriveGrant): PipedriveGrantDocument & PipedriveGrant {
  return {
    apiDomain: grant.apiDomain,
    accessToken: grant.accessToken,
    refreshToken: grant.refreshToken,
    expiresAt: grant.expiresAt,
  };
}

export function vendorGrantFields(grant: VendorGrant): VendorGrantDocument & VendorGrant {
  return {
    accessToken: grant.accessToken,
    ...optional('refreshToken', grant.refreshToken),
    ...optional('expiresAt', grant.expiresAt),
    ...optional('vendorUserId', grant.vendorUserId),
  };
}

export const leaseFields = (lease: RefreshLease): RefreshLeaseDocument => ({ holder: lease.holder, until: lease.until });

/** `undefined` when no lease is held, so that "no leases" is stored as no field at all. */
function leasesFields(leases: NonNullable<Link['leases']>): LeasesDocument | undefined {
  const { pipedrive, vendor } = leases;
  if (pipedrive === undefined && vendor === undefined) return undefined;
  return {
    ...optional('pipedrive', pipedrive === undefined ? undefined : leaseFields(pipedrive)),
    ...optional('vendor', vendor === undefined ? undefined : leaseFields(vendor)),
  };
}

export function fromLinkDocument(doc: LinkDocument): Link {
  return {
    linkId: doc.linkId,
    companyId: doc.companyId,
    userId: doc.userId,
    vendor: doc.vendor,
    status: doc.status,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    ...optional('pipedrive', doc.pipedrive === undefined ? undefined : pipedriveGrantFields(doc.pipedrive)),
    ...optional('vendorGrant', doc.vendorGrant === undefined ? undefined : vendorGrantFields(doc.vendorGrant)),
    // Freeing the last lease with $unset leaves `leases: {}` behind; the domain spells that as no
    // `leases` at all, as the memory adapter does.
    ...optional('leases', leasesFields(doc.leases ?? {})),
  };
}

/** `{ [key]: value }`, or nothing at all when the value is absent. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]: V });
}

/** Everything but `_id`: what a replacement writes (the server keeps the `_id` it matched). */
export function meetingFields(meeting: Meeting): Omit<MeetingDocument, '_id'> {
  return {
    meetingId: meeting.meetingId,
    linkId: meeting.linkId,
    vendor: meeting.vendor,
    vendorRef: meeting.vendorRef,
    details: {
      topic: meeting.details.topic,
      start: meeting.details.start,
      durationMinutes: meeting.details.durationMinutes,
    },
    joinUrl: meeting.joinUrl,
    // Spread rather than `password: undefined`: the driver would store undefined as null.
    ...(meeting.password === undefined ? {} : { password: meeting.password }),
    invitation: meeting.invitation,
    status: meeting.status,
    createdAt: meeting.createdAt,
    updatedAt: meeting.updatedAt,
    ...(meeting.deletedAt === undefined ? {} : { deletedAt: meeting.deletedAt }),
  };
}

export function toMeetingDocument(meeting: Meeting): MeetingDocument {
  return { _id: meeting.meetingId, ...meetingFields(meeting) };
}

export function fromMeetingDocument(doc: MeetingDocument): Meeting {
  return {
    meetingId: doc.meetingId,
    linkId: doc.linkId,
    vendor: doc.vendor,
    vendorRef: doc.vendorRef,
    details: { topic: doc.details.topic, start: doc.details.start, durationMinutes: doc.details.durationMinutes },
    joinUrl: doc.joinUrl,
    ...(doc.password === undefined ? {} : { password: doc.password }),
    invitation: doc.invitation,
    status: doc.status,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    ...(doc.deletedAt === undefined ? {} : { deletedAt: doc.deletedAt }),
  };
}

/** A stored document that does not have the shape we write: a defect, never a caller's error. */
export class CorruptDocumentError extends Error {
  override readonly name = 'CorruptDocumentError';

  constructor(
    readonly collection: string,
    readonly documentId: string,
    readonly problems: readonly string[],
  ) {
    super(`${collection}: document ${documentId} does not decode: ${problems.join('; ')}`);
  }
}

export const decodeLink = (raw: unknown): Link =>
  fromLinkDocument(decodeDocument(LINKS, LinkDocument, raw, (doc) => doc._id === doc.linkId, 'linkId'));

export const decodeMeeting = (raw: unknown): Meeting =>
  fromMeetingDocument(decodeDocument(MEETINGS, MeetingDocument, raw, (doc) => doc._id === doc.meetingId, 'meetingId'));

/**
 * Decodes one document or throws. `sameId` checks what a codec cannot: that `_id` and our own id
 * field agree, since lookups use the one and callers trust the other.
 */
function decodeDocument<A>(
  collection: string,
  codec: t.Decoder<unknown, A>,
  raw: unknown,
  sameId: (doc: A) => boolean,
  idField: string,
): A {
  const decoded = codec.decode(raw);
  if (E.isLeft(decoded)) throw new CorruptDocumentError(collection, idOf(raw), decoded.left.map(describe));
  if (!sameId(decoded.right)) {
    throw new CorruptDocumentError(collection, idOf(raw), [`at _id: expected the same value as ${idField}`]);
  }
  return decoded.right;
}

function idOf(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null || !('_id' in raw)) return '(without _id)';
  return String(raw._id);
}

/**
 * "at details.start: expected BsonDate, got string". The offending value itself is left out on
 * purpose: it may be a meeting password or a join URL, and this message is logged.
 */
function describe(error: t.ValidationError): string {
  const { context } = error;
  const path = context
    .slice(1)
    // An intersection's members show up as "0", "1" in the path; they are not fields.
    .filter((_, i) => !(context[i]?.type instanceof t.IntersectionType))
    .map((entry) => entry.key)
    .join('.');
  const expected = context[context.length - 1]?.type.name ?? 'unknown';
  return `at ${path === '' ? '(document)' : path}: expected ${expected}, got ${kindOf(error.value)}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing (absent)';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
