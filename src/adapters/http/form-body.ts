import type { IncomingMessage } from 'node:http';

import * as E from 'fp-ts/lib/Either.js';
import getRawBody from 'raw-body';

import type { RequestError } from './api-problem.js';

const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(?:;|$)/i;

/** Reads an HTML form's body (`application/x-www-form-urlencoded`) with a size limit. */
export async function readFormBody(req: IncomingMessage, limitBytes: number): Promise<E.Either<RequestError, URLSearchParams>> {
  const contentType = req.headers['content-type'];
  if (contentType === undefined || !FORM_TYPE.test(contentType)) {
    return E.left({ _tag: 'InvalidBody', message: 'body: expected an HTML form (application/x-www-form-urlencoded)' });
  }
  try {
    const declared = req.headers['content-length'];
    const text = await getRawBody(req, {
      limit: limitBytes,
      encoding: 'utf-8',
      ...(declared === undefined ? {} : { length: declared }),
    });
    return E.right(new URLSearchParams(text));
  } catch (error) {
    const type = typeof error === 'object' && error !== null && 'type' in error ? String(error.type) : '';
    return E.left(
      type === 'entity.too.large'
        ? { _tag: 'BodyTooLarge', limitBytes }
        : { _tag: 'InvalidBody', message: 'body: could not be read' },
    );
  }
}
