import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';

/**
 * Reading the answers of the services we call (Pipedrive, every HTTP vendor): bodies that may not be JSON, decoding that says
 * where it failed but never shows a value (a value may be a token), and secrets kept out of messages.
 */

/** Parses a JSON text, undefined when it is not JSON (vendors sometimes answer XML or HTML). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** What a non-JSON body looks like, for messages: never its content. */
export function describeNonJson(text: string): string {
  const head = text.trimStart().slice(0, 64).toLowerCase();
  if (head === '') return 'an empty body';
  if (head.startsWith('<?xml')) return 'a body that is not JSON (XML)';
  if (head.startsWith('<!doctype html') || head.startsWith('<html')) return 'a body that is not JSON (HTML)';
  if (head.startsWith('<')) return 'a body that is not JSON (XML or HTML)';
  return 'a body that is not JSON';
}

/** Where decoding failed, as dotted paths, never the values: a value may be a token. */
export function describeDecodeFailure(errors: t.Errors): string {
  const paths = errors.map((error) => {
    const keys: string[] = [];
    error.context.forEach((entry, index) => {
      const parent = index > 0 ? error.context[index - 1]?.type : undefined;
      const positional = parent instanceof t.IntersectionType || parent instanceof t.UnionType;
      if (entry.key !== '' && !positional) keys.push(entry.key);
    });
    return keys.length > 0 ? keys.join('.') : 'the body';
  });
  return [...new Set(paths)].slice(0, 5).join(', ');
}

/** Decodes a parsed body, or says where it failed. */
export function decodeWith<A>(codec: t.Decoder<unknown, A>, parsed: unknown): E.Either<string, A> {
  const decoded = codec.decode(parsed);
  return E.isRight(decoded) ? decoded : E.left(describeDecodeFailure(decoded.left));
}

const REDACTED = '[redacted]';

/** Replaces every occurrence of each secret (a token, a key) in a text meant for a message or a log. */
export function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((acc, secret) => (secret.length > 0 ? acc.split(secret).join(REDACTED) : acc), text);
}

/** `fetch` says "fetch failed" and keeps the reason (ECONNREFUSED, ENOTFOUND, ...) in its cause. */
export function networkFailureOf(error: unknown): string {
  if (!(error instanceof Error)) return 'network error';
  const cause: unknown = error.cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.message} (${code})` : `${error.message} (${cause.message})`;
  }
  return error.message;
}
