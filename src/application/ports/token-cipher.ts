import type * as TE from 'fp-ts/lib/TaskEither.js';

import type { SecretUnreadable } from '../../domain/errors.js';
import type { SealedSecret } from '../../domain/link.js';

/**
 * Encrypts secrets for storage and opens them again. The current key seals; keys retired from
 * service still open what they sealed, so keys can be rotated without a migration.
 */
export interface TokenCipher {
  seal(plaintext: string): TE.TaskEither<never, SealedSecret>;
  open(sealed: SealedSecret): TE.TaskEither<SecretUnreadable, string>;
}
export const TokenCipher = Symbol('TokenCipher');
