import * as t from 'io-ts';

/**
 * Identifiers. Each is a branded string or number so that a `LinkId` can never be passed where a
 * `MeetingId` is expected, and so that every one of them has been through its codec once, at an edge.
 */

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export interface LinkIdBrand {
  readonly LinkId: unique symbol;
}
/** Our id of a Pipedrive user's connection; Pipedrive knows it as `user_provider_id` and `:linkId`. */
export const LinkId = t.brand(
  t.string,
  (s): s is t.Branded<string, LinkIdBrand> => UUID_V4.test(s),
  'LinkId',
);
export type LinkId = t.TypeOf<typeof LinkId>;

export interface MeetingIdBrand {
  readonly MeetingId: unique symbol;
}
const MEETING_ID = /^[A-Za-z0-9_-]{16,64}$/;
/** Our own opaque meeting id, the `meeting_id` Pipedrive stores; never the vendor's id. */
export const MeetingId = t.brand(
  t.string,
  (s): s is t.Branded<string, MeetingIdBrand> => MEETING_ID.test(s),
  'MeetingId',
);
export type MeetingId = t.TypeOf<typeof MeetingId>;

export interface PipedriveIdBrand {
  readonly PipedriveId: unique symbol;
}
/** Pipedrive's numeric ids (company, user) are positive integers. */
export const PipedriveId = t.brand(
  t.number,
  (n): n is t.Branded<number, PipedriveIdBrand> => Number.isSafeInteger(n) && n > 0,
  'PipedriveId',
);
export type PipedriveId = t.TypeOf<typeof PipedriveId>;

export interface VendorIdBrand {
  readonly VendorId: unique symbol;
}
/**
 * A vendor's key (`stub`, `zoom`, `jitsi`, ...). Open on purpose: vendors are added as folders and
 * registry entries, so the domain cannot enumerate them.
 */
export const VendorId = t.brand(
  t.string,
  (s): s is t.Branded<string, VendorIdBrand> => /^[a-z][a-z0-9-]{1,31}$/.test(s),
  'VendorId',
);
export type VendorId = t.TypeOf<typeof VendorId>;
