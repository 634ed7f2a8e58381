import type {
  LinkNeedsReauthorization,
  LinkNotFound,
  MeetingNotFound,
  StoreUnavailable,
  VendorRateLimited,
  VendorRejected,
  VendorTimeout,
  VendorUnavailable,
} from '../../domain/errors.js';

/**
 * What the meeting use cases can answer besides success. Vendor authorization and "gone" errors
 * never escape: they are turned into what they mean for the link (`LinkNeedsReauthorization`) or
 * the meeting (`MeetingNotFound`).
 */
export type MeetingUseCaseError =
  | LinkNotFound
  | LinkNeedsReauthorization
  | MeetingNotFound
  | StoreUnavailable
  | VendorRejected
  | VendorUnavailable
  | VendorTimeout
  | VendorRateLimited;
