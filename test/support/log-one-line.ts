/**
 * A process that makes the service's logger with pretty output asked for, writes one line that
 * carries a secret, and exits: how the logging tests see what really reaches stdout, with
 * pino-pretty loaded from `LOG_PRETTY_MODULE` (a name that does not resolve plays a production
 * install, where devDependencies are absent).
 */
import { createLogger } from '../../src/infrastructure/logger.js';

const prettyModule = process.env['LOG_PRETTY_MODULE'];
const logger = createLogger({ level: 'info', pretty: true, ...(prettyModule === undefined ? {} : { prettyModule }) });
logger.info({ requestId: 'one-line', headers: { authorization: 'Bearer LEAKED-IF-SEEN' } }, 'request');
