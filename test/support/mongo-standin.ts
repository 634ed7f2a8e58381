/**
 * Starts and stops the MongoDB wire-compatible stand-in (test/support/mongo-standin/server.py)
 * for tests on machines where no real mongod can run. See that file for what the stand-in
 * cannot do; suites that must prove behaviour on MongoDB itself run with MONGODB_URI instead.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface MongoStandin {
  /** Connection string for the official driver; directConnection skips replica-set discovery. */
  readonly uri: string;
  readonly port: number;
  /** SIGTERM, then SIGKILL if the server has not exited within 3 s. Idempotent. */
  stop(): Promise<void>;
  /**
   * Starts the server again on the same port (stopping it first if it is running), so a
   * test can simulate the database going away and coming back. The new server is EMPTY:
   * data and indexes live in memory only, unlike a real mongod restart.
   */
  restart(): Promise<void>;
}

export interface MongoStandinOptions {
  /** TCP port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
}

// Debian's interpreter, not whatever python3 comes first on PATH (e.g. pyenv): only it
// sees the apt-installed mockupdb and mongomock.
const PYTHON = '/usr/bin/python3';
const SERVER_SCRIPT = fileURLToPath(new URL('./mongo-standin/server.py', import.meta.url));
const INSTALL_COMMAND = 'apt-get install -y --no-install-recommends python3-mockupdb python3-mongomock';
const EXIT_MISSING_MODULES = 3; // server.py's exit code when its imports fail
const READY_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 3_000;
const STDERR_KEPT_CHARS = 16_000; // enough for a Python traceback
const VERBOSE = process.env.MONGO_STANDIN_VERBOSE === '1';

interface RunningServer {
  readonly child: ChildProcessWithoutNullStreams;
  readonly port: number;
  readonly exited: Promise<void>;
  stopping: boolean;
}

export async function startMongoStandin(options: MongoStandinOptions = {}): Promise<MongoStandin> {
  let server = await launch(options.port ?? 0);
  const port = server.port;

  return {
    uri: `mongodb://127.0.0.1:${port}/?directConnection=true`,
    port,
    stop: () => shutdown(server),
    async restart() {
      await shutdown(server);
      server = await launch(port);
    },
  };
}

function launch(requestedPort: number): Promise<RunningServer> {
  const args = [SERVER_SCRIPT, '--port', String(requestedPort), '--exit-on-stdin-eof'];
  if (VERBOSE) args.push('--verbose');
  // stdin stays an open pipe on purpose: server.py exits when it closes, so a test process
  // that dies without calling stop() (crash, SIGKILL) never leaves an orphaned server behind.
  const child = spawn(PYTHON, args, { stdio: ['pipe', 'pipe', 'pipe'] });

  // Until it is ready, stderr is kept for the start failure's message. Afterwards the server
  // only writes there when something is wrong (an internal error, a message it cannot read,
  // or every command with MONGO_STANDIN_VERBOSE=1), so it goes straight to ours.
  let stderr = '';
  let ready = false;
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    if (ready || VERBOSE) process.stderr.write(chunk);
    if (!ready) stderr = (stderr + chunk).slice(-STDERR_KEPT_CHARS);
  });

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  return new Promise<RunningServer>((resolve, reject) => {
    let settled = false;
    const fail = (reason: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(describeFailure(reason, stderr)));
    };

    const timer = setTimeout(
      () => fail(`it did not print "LISTENING <port>" within ${READY_TIMEOUT_MS / 1000} s`),
      READY_TIMEOUT_MS,
    );

    child.once('error', (error) => fail(`${PYTHON} could not be started (${error.message})`));
    // 'close' rather than 'exit': it comes after stderr has been read to the end.
    child.once('close', (code, signal) => {
      if (code === EXIT_MISSING_MODULES) {
        fail(`its Python modules are missing; install them with: ${INSTALL_COMMAND}`);
      } else {
        fail(`it exited before listening (${signal ?? `exit code ${String(code)}`})`);
      }
    });

    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      const match = /^LISTENING (\d+)$/.exec(line);
      if (!match?.[1]) {
        fail(`its first line of output was ${JSON.stringify(line)}, not "LISTENING <port>"`);
        return;
      }
      settled = true;
      ready = true;
      clearTimeout(timer);
      lines.close();
      child.stdout.resume(); // nothing else is expected there; never let a full pipe block it
      const running: RunningServer = { child, port: Number(match[1]), exited, stopping: false };
      child.once('close', (code, signal) => {
        if (!running.stopping) {
          process.stderr.write(
            `mongo-standin on port ${running.port} exited unexpectedly (${signal ?? `exit code ${String(code)}`})\n`,
          );
        }
      });
      // A forgotten stop() must not keep the test runner alive; the stdin pipe still ends the
      // server when this process exits.
      child.unref();
      for (const pipe of [child.stdin, child.stdout, child.stderr]) (pipe as Socket).unref();
      resolve(running);
    });
  });
}

async function shutdown(server: RunningServer): Promise<void> {
  const { child } = server;
  server.stopping = true;
  if (child.exitCode === null && child.signalCode === null) {
    // Keeps the event loop alive until the exit arrives, even with nothing else pending.
    child.ref();
    child.kill('SIGTERM');
    const killTimer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await server.exited;
    clearTimeout(killTimer);
  }
  child.stdin.destroy();
}

function describeFailure(reason: string, stderr: string): string {
  const output = stderr.trim() ? `\n--- server stderr ---\n${stderr.trim()}` : ' (no stderr output)';
  return `The MongoDB stand-in (${PYTHON} ${SERVER_SCRIPT}) failed to start: ${reason}.${output}`;
}
