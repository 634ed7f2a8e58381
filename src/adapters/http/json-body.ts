import type { IncomingMessage } from 'node:http';

import * as E from 'fp-ts/lib/Either.js';
import getRawBody from 'raw-body';

import type { RequestError } from './api-problem.js';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Reads a request body as JSON with a size limit. Every refusal says what was wrong with the body
 * as a whole; field-level problems are the codec's job.
 */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<E.Either<RequestError, unknown>> {
  const contentType = req.headers['content-type'];
  if (contentType !== undefined && !JSON_TYPE.test(contentType)) {
    return E.left(invalid(`body: expected Content-Type application/json, got ${JSON.stringify(contentType.slice(0, 60))}`));
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
  try {
    return E.right(JSON.parse(text) as unknown);
  } catch (error) {
    const detail = error instanceof SyntaxError ? error.message : 'unreadable';
    return E.left(invalid(`body: malformed JSON (${detail})`));
  }
}

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
