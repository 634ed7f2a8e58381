import type { IncomingMessage } from 'node:http';

import { parse as parseContentType } from 'content-type';
import * as E from 'fp-ts/lib/Either.js';
import getRawBody from 'raw-body';

import type { RequestError } from './api-problem.js';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/;
/** JSON between systems is UTF-8 (RFC 8259 §8.1); any other declared charset would be misread. */
const UTF8 = /^utf-?8$/i;

/**
 * How deeply a body's arrays and objects may nest. A meeting or uninstall body nests one level;
 * the limit leaves room for what Pipedrive might add and none for a body built to make every later
 * reader (decoders, loggers, serialisers) recurse thousands of levels deep.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * Reads a request body as JSON with a size limit and a nesting limit. Every refusal says what was
 * wrong with the body as a whole; field-level problems are the codec's job.
 */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<E.Either<RequestError, unknown>> {
  const contentType = req.headers['content-type'];
  if (contentType !== undefined) {
    const refused = contentTypeRefusal(contentType);
    if (refused !== undefined) return E.left(invalid(refused));
  }
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    return E.left(invalid(`body: Content-Encoding ${JSON.stringify(encoding.slice(0, 30))} is not supported`));
  }
  let text: string;
  try {
    const declared = req.headers['content-length'];
    text = await getRawBody(req, {
      limit: limitBytes,
      encoding: 'utf-8',
      ...(declared === undefined ? {} : { length: declared }),
    });
  } catch (error) {
    return E.left(rawBodyFailure(error, limitBytes));
  }
  if (text.trim() === '') return E.left(invalid('body: is required (a JSON object)'));
  // Counted on the text, before JSON.parse builds anything.
  if (nestingExceeds(text, MAX_JSON_DEPTH)) {
    return E.left(invalid(`body: nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects`));
  }
  try {
    return E.right(JSON.parse(text) as unknown);
  } catch (error) {
    const detail = error instanceof SyntaxError ? error.message : 'unreadable';
    return E.left(invalid(`body: malformed JSON (${detail})`));
  }
}

function contentTypeRefusal(header: string): string | undefined {
  const { type, parameters } = parseContentType(header);
  if (!JSON_TYPE.test(type)) {
    return `body: expected Content-Type application/json, got ${JSON.stringify(header.slice(0, 60))}`;
  }
  const charset = parameters['charset'];
  if (charset !== undefined && !UTF8.test(charset)) {
    return `body: charset ${JSON.stringify(charset.slice(0, 30))} is not supported (send UTF-8 JSON)`;
  }
  return undefined;
}

/**
 * True when arrays and objects nest deeper than `max` anywhere in the text. Brackets inside
 * strings do not count. Malformed text is not judged here: JSON.parse refuses it next.
 */
export function nestingExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i += 1;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth += 1;
      if (depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth -= 1;
    }
  }
  return false;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

function rawBodyFailure(error: unknown, limitBytes: number): RequestError {
  const type = typeof error === 'object' && error !== null && 'type' in error ? String(error.type) : '';
  switch (type) {
    case 'entity.too.large':
      return { _tag: 'BodyTooLarge', limitBytes };
    case 'request.size.invalid':
      return invalid('body: shorter or longer than its Content-Length');
    case 'encoding.unsupported':
      return invalid('body: charset not supported (send UTF-8)');
    case 'request.aborted':
      return invalid('body: the request was aborted before the body was complete');
    default:
      return invalid('body: could not be read');
  }
}

const invalid = (message: string): RequestError => ({ _tag: 'InvalidBody', message });
