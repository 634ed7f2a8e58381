import * as E from 'fp-ts/lib/Either.js';
import type { Db, Document } from 'mongodb';

import type { TokenCipher } from '../../../application/ports/token-cipher.js';
import type { SealedSecret } from '../../../domain/link.js';
import { LINKS } from './documents.js';

/** Every field of a link document that holds a sealed secret. */
const SEALED_FIELDS = ['pipedrive.accessToken', 'pipedrive.refreshToken', 'vendorGrant.accessToken', 'vendorGrant.refreshToken'] as const;

export interface ResealingCipher extends TokenCipher {
  sealedWithCurrentKey(sealed: SealedSecret): boolean;
}

export interface ResealReport {
  /** Already under the current key: nothing to do. */
  readonly current: number;
  /** Opened with an older key and stored again under the current one. */
  readonly resealed: number;
  /** Changed by a running instance while this ran (a refresh): that instance sealed the new value. */
  readonly changedMeanwhile: number;
  /** Opened by no key this process holds: the key that sealed them is needed to reseal them. */
  readonly unreadable: number;
}

/**
 * Stores every secret that an older key sealed again under the current key, so that the older key
 * can be retired even for links that are never used (whose tokens would otherwise never be
 * refreshed, hence never re-sealed). Each field is replaced with a conditional write on its old
 * value, so a refresh by a running instance in the meantime is never overwritten; running it again
 * is harmless. Runs beside live instances.
 */
export async function resealSecrets(db: Db, cipher: ResealingCipher): Promise<ResealReport> {
  const counts = { current: 0, resealed: 0, changedMeanwhile: 0, unreadable: 0 };
  const links = db.collection<Document>(LINKS);
  const cursor = links.find({}, { projection: Object.fromEntries(SEALED_FIELDS.map((field) => [field, 1])) });
  for await (const document of cursor) {
    for (const field of SEALED_FIELDS) {
      const sealed = valueAt(document, field);
      if (sealed === undefined) continue;
      if (cipher.sealedWithCurrentKey(sealed)) {
        counts.current += 1;
        continue;
      }
      const opened = await cipher.open(sealed)();
      if (E.isLeft(opened)) {
        counts.unreadable += 1;
        continue;
      }
      const resealed = await cipher.seal(opened.right)();
      if (E.isLeft(resealed)) continue;
      const written = await links.updateOne({ _id: document['_id'], [field]: sealed }, { $set: { [field]: resealed.right } });
      if (written.matchedCount === 1) counts.resealed += 1;
      else counts.changedMeanwhile += 1;
    }
  }
  return counts;
}

function valueAt(document: Document, path: string): SealedSecret | undefined {
  let value: unknown = document;
  for (const key of path.split('.')) {
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  }
  return typeof value === 'string' && value !== '' ? (value as SealedSecret) : undefined;
}
