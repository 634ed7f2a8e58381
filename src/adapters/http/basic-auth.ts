import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Checks `Authorization: Basic base64(id:secret)` against the expected pair in constant time.
 * Both sides are hashed first so that the comparison never depends on where, or whether, the
 * lengths differ.
 */
export function basicCredentialsVerifier(clientId: string, clientSecret: string): (header: string | undefined) => boolean {
  const expected = digest(`${clientId}:${clientSecret}`);
  return (header) => {
    const presented = presentedCredentials(header);
    // Compared even when nothing usable was presented, so a missing header costs the same time.
    const same = timingSafeEqual(digest(presented ?? ''), expected);
    return presented !== undefined && same;
  };
}

function presentedCredentials(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^basic[ ]+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (match?.[1] === undefined) return undefined;
  return Buffer.from(match[1], 'base64').toString('utf-8');
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf-8').digest();
