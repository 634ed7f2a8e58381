import * as E from 'fp-ts/lib/Either.js';

/** A vendor's server address as configuration gives it, checked and without a trailing slash. */
export interface ServiceUrl {
  readonly url: string;
  /** Lower-case host name, for claims and messages. */
  readonly host: string;
}

/**
 * Checks a vendor server URL from the environment: http(s), and https only in production; no
 * query, fragment or credentials (a URL with credentials would leak them into every log line that
 * names it). The refusal is the one line configuration reports.
 */
export function serviceUrl(name: string, value: string, production: boolean): E.Either<string, ServiceUrl> {
  const parsed = URL.canParse(value) ? new URL(value) : undefined;
  const schemes = production ? ['https:'] : ['https:', 'http:'];
  if (
    parsed === undefined ||
    !schemes.includes(parsed.protocol) ||
    parsed.search !== '' ||
    parsed.hash !== '' ||
    parsed.username !== '' ||
    parsed.password !== ''
  ) {
    const what = production ? 'an https URL' : 'an http(s) URL';
    return E.left(`${name} must be ${what} without query, fragment or credentials (got ${JSON.stringify(value)})`);
  }
  return E.right({ url: value.replace(/\/+$/, ''), host: parsed.hostname.toLowerCase() });
}
