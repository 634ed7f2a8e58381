import { type Db, MongoClient, type MongoClientOptions } from 'mongodb';

export interface MongoConnectionOptions {
  readonly uri: string;
  readonly dbName: string;
  readonly serverSelectionTimeoutMS?: number;
  readonly connectTimeoutMS?: number;
  readonly socketTimeoutMS?: number;
  /** Told about each failed attempt to connect, for logging; the error may name hosts, never the URI. */
  readonly onConnectError?: (error: unknown) => void;
}

export interface MongoConnection {
  readonly client: MongoClient;
  readonly db: Db;
  close(): Promise<void>;
}

/**
 * A web request waits for server selection before it can fail, so these bound how long a request
 * hangs when the store is away; the driver's own defaults (30 s selection, no socket timeout) would
 * outlast any client. A value the URI sets wins over these, so operators tune one place.
 */
const DEFAULTS = {
  serverSelectionTimeoutMS: 2_000,
  connectTimeoutMS: 2_000,
  socketTimeoutMS: 10_000,
  maxPoolSize: 20,
} as const;

/** How long to wait before trying again when the store could not be reached. */
const RECONNECT_DELAY_MS = 1_000;

/**
 * Opens a client that survives the store being down at start: the service must come up and answer
 * "not ready" rather than crash-loop. Connecting eagerly (rather than leaving it to the first
 * operation) makes a healthy start ready at once and surfaces a bad URI or credentials at start.
 *
 * Why the retry loop: with driver 7.x a failed first `connect()` (explicit, or the automatic one of
 * a first operation) leaves the client holding a closed topology, and every later operation fails
 * with "Topology is closed" forever: the driver only reconnects by itself once it has connected
 * once. So until the first success this function keeps calling `connect()` in the background;
 * after that the driver's monitoring takes over. Operations meanwhile fail fast, which the
 * repositories report as `StoreUnavailable`.
 */
export async function connectMongo(options: MongoConnectionOptions): Promise<MongoConnection> {
  const client = new MongoClient(options.uri, clientOptions(options));
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const attempt = async (): Promise<void> => {
    try {
      await client.connect();
      // A connect that was already under way when close() ran would otherwise leave sockets open.
      if (closed) await client.close();
    } catch (error) {
      if (closed) return;
      options.onConnectError?.(error);
      retry = setTimeout(() => void attempt(), RECONNECT_DELAY_MS);
      // A pending reconnect must not keep a stopping process alive.
      retry.unref();
    }
  };
  await attempt();

  return {
    client,
    db: client.db(options.dbName),
    close: async () => {
      closed = true;
      clearTimeout(retry);
      await client.close();
    },
  };
}

function clientOptions(options: MongoConnectionOptions): MongoClientOptions {
  const inUri = uriOptionNames(options.uri);
  const result: Record<string, number> = {};
  for (const [name, fallback] of Object.entries(DEFAULTS)) {
    const given = options[name as keyof MongoConnectionOptions];
    if (typeof given === 'number') result[name] = given;
    else if (!inUri.has(name.toLowerCase())) result[name] = fallback;
  }
  return result;
}

/** The option names a connection string sets, lower-cased (URI options are case-insensitive). */
function uriOptionNames(uri: string): Set<string> {
  const query = uri.indexOf('?');
  if (query === -1) return new Set();
  return new Set([...new URLSearchParams(uri.slice(query + 1)).keys()].map((key) => key.toLowerCase()));
}

/**
 * The URI for logs: the password in the user info, and any option that carries a secret, replaced
 * by `***`. Everything after the scheme up to the LAST `@` is taken as user info, so a stray `@`
 * redacts too much rather than too little.
 */
export function redactMongoUri(uri: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(uri);
  const start = scheme === null ? 0 : scheme[0].length;
  const at = uri.lastIndexOf('@');
  let redacted = uri;
  if (at >= start) {
    const userInfo = uri.slice(start, at);
    const colon = userInfo.indexOf(':');
    const user = colon === -1 ? userInfo : `${userInfo.slice(0, colon)}:***`;
    redacted = `${uri.slice(0, start)}${user}${uri.slice(at)}`;
  }
  return redacted.replace(
    /([?&](?:[a-z]*password|[a-z]*secret[a-z]*|[a-z]*token[a-z]*|authMechanismProperties)=)[^&#]*/gi,
    '$1***',
  );
}
