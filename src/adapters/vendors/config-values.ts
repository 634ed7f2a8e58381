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
    return E.left(`${name} must be ${what} without query, fragment or credentials (got ${shownUrl(value)})`);
  }
  return E.right({ url: value.replace(/\/+$/, ''), host: parsed.hostname.toLowerCase() });
}

/**
 * A refused URL as a configuration message may show it: scheme, host and path. Credentials, query
 * and fragment (where a key pasted by mistake would sit) are replaced by a mark; text that is no URL
 * at all (perhaps a key in the wrong variable) is described by its length only.
 */
export function shownUrl(value: string): string {
  const parsed = URL.canParse(value) ? new URL(value) : undefined;
  if (parsed === undefined || parsed.host === '') return `text that is not a URL, ${value.length} characters`;
  const credentials = parsed.username !== '' || parsed.password !== '' ? '<credentials>@' : '';
  const query = parsed.search === '' ? '' : '?<query>';
  const fragment = parsed.hash === '' ? '' : '#<fragment>';
  if (credentials === '' && query === '' && fragment === '') return JSON.stringify(value);
  return JSON.stringify(`${parsed.protocol}//${credentials}${parsed.host}${parsed.pathname}${query}${fragment}`);
}
