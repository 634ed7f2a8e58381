import { randomBytes, randomUUID } from 'node:crypto';

import type { IdGenerator } from '../../application/ports/id-generator.js';
import type { LinkId, MeetingId } from '../../domain/ids.js';

/** Ids from the OS's CSPRNG: a meeting id is 128 random bits, so it cannot be guessed or enumerated. */
export class CryptoIdGenerator implements IdGenerator {
  linkId(): LinkId {
    return randomUUID() as LinkId;
  }

  meetingId(): MeetingId {
    return randomBytes(16).toString('base64url') as MeetingId;
  }

  leaseHolder(): string {
    return `${process.pid}-${randomBytes(12).toString('base64url')}`;
  }
}
