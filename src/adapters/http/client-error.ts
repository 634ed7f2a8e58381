import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type RequestListener, type Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

import type { ApiProblem } from './api-problem.js';
import { SECURITY_HEADERS } from './security-headers.js';

/**
 * What node's HTTP parser refused, as the contract's JSON error. Node's own answer to these is a
 * bare status line; ours says what was wrong, in the same shape and with the same security headers
 * as every other answer. The request never reached Koa, so there is no route, no body, no
 * credentials: only the parser's error code, which names the problem without echoing the request.
 */
export function clientErrorProblem(code: string | undefined, headerLimitBytes: number): ApiProblem {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        code: 'HEADERS_TOO_LARGE',
        message: `headers: the request line and headers together are larger than the limit of ${headerLimitBytes} bytes`,
      };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'body: chunk extensions are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'REQUEST_TIMEOUT', message: 'request: not received completely in time' };
    default:
      return {
        status: 400,
        code: 'MALFORMED_REQUEST',
        message: `request: not valid HTTP/1.1${code === undefined ? '' : ` (${code})`}`,
      };
  }
}

/**
 * The raw bytes of a whole answer: status line, headers, JSON body (none to a HEAD request, as
 * HTTP wants); the connection closes after it.
 */
export function clientErrorResponse(problem: ApiProblem, head = false): string {
  const body = JSON.stringify({ success: false, error: { code: problem.code, message: problem.message } });
  const headers: Array<readonly [string, string]> = [
    ['Content-Type', 'application/json; charset=utf-8'],
    ['Content-Length', String(Buffer.byteLength(body))],
    ['Cache-Control', 'no-store'],
    ['X-Request-Id', randomUUID()],
    ...SECURITY_HEADERS,
    ['Connection', 'close'],
  ];
  const lines = headers.map(([name, value]) => `${name}: ${value}\r\n`).join('');
  return `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? 'Error'}\r\n${lines}\r\n${head ? '' : body}`;
}

/** Node's `clientError` socket: an in-flight answer on it, if any, is in `_httpMessage`. */
interface ClientSocket extends Duplex {
  readonly _httpMessage?: { readonly headersSent?: boolean } | null;
}

export interface ProtocolEdgeOptions {
  readonly headerLimitBytes: number;
  /** Koa's request handler. */
  readonly handle: RequestListener;
  /** Told of every request answered here, for the log. */
  readonly onRefused: (problem: ApiProblem, parserCode: string | undefined) => void;
}

/**
 * The answers node's HTTP server would otherwise write itself, bare and unlike ours:
 * - a request its parser refuses (`clientError`: header block over the limit, malformed request
 *   line or framing, a request that took too long): the contract's JSON error. Like node's default
 *   it writes nothing when an answer on the connection has already started (that would corrupt it)
 *   or the peer is gone, and always closes the connection;
 * - `CONNECT` (a proxy's method; this is no proxy): 405 in the same shape;
 * - an `Expect` other than `100-continue`: handed to Koa, which answers it like any other request.
 */
export function answerOutsideKoa(server: Server, options: ProtocolEdgeOptions): void {
  server.on('clientError', (error: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex) => {
    const client = socket as ClientSocket;
    if (error.code === 'ECONNRESET' || !socket.writable || client._httpMessage?.headersSent === true) {
      socket.destroy();
      return;
    }
    const problem = clientErrorProblem(error.code, options.headerLimitBytes);
    options.onRefused(problem, error.code);
    // The parser failed, so the method is only known from the bytes it was given.
    const head = error.rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ';
    socket.end(clientErrorResponse(problem, head), () => socket.destroy());
  });
  server.on('connect', (_request: IncomingMessage, socket: Duplex) => {
    const problem: ApiProblem = {
      status: 405,
      code: 'METHOD_NOT_ALLOWED',
      message: 'method: CONNECT is not served here (this is not a proxy)',
    };
    options.onRefused(problem, undefined);
    socket.end(clientErrorResponse(problem), () => socket.destroy());
  });
  server.on('checkExpectation', options.handle);
}
