import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, realpathSync, statSync, unlinkSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { FaultLog } from './fault-log.js';
import { changeFromWire, changeToWire, processOfSid, type ForwardResult, type WireChange } from './forwarded-change.js';
import type { Refusal, SubscriptionChange } from './subscribe.js';

/** How long a forwarded subscribe waits for the process holding the session. */
const REPLY_TIMEOUT_MS = 2000;
/** A forwarded change is a subscribe body and its rooms: far below this. */
const MAX_BODY_BYTES = 1024 * 1024;

const UNREACHABLE: Refusal = {
  status: 503,
  code: 'unavailable',
  message: 'The server process holding this presence session did not answer in time; retry shortly.',
};

/**
 * Where the processes on one database file find each other: a directory only this OS user can
 * enter (Unix sockets are reached by path, so the directory's mode is what keeps other users
 * out), one per file, named by a hash of the file's real path (a socket path must stay short).
 */
export function linkDirectory(dbPath: string): string {
  let real: string;
  try {
    real = realpathSync(dbPath);
  } catch {
    real = resolve(dbPath);
  }
  const file = createHash('sha256').update(real).digest('base64url').slice(0, 12);
  return join(tmpdir(), `presence-kit-${process.getuid?.() ?? 'user'}`, file);
}

/** A socket's path: a file in the private directory, or on Windows a named pipe (which has no directory). */
function socketPath(directory: string, node: string): string {
  if (process.platform !== 'win32') return join(directory, `${node}.sock`);
  return `\\\\?\\pipe\\presence-kit-${directory.split(/[\\/]/).at(-1)}-${node}`;
}

/**
 * How the processes on one SQLite file pass each other a `POST /subscribe` for a session one of
 * them holds, so no balancer has to send a browser's requests to its stream's process (`node:cluster`
 * cannot). Each process listens on a Unix socket named by its node id, the prefix of every sid it
 * hands out; a change for another process's sid is sent there, applied by the holder, and its
 * answer returned. No socket, or nobody listening on it: that process is gone, and so is the session.
 */
export class ProcessLink {
  readonly #directory: string;
  readonly #server: Server;
  #listening = false;

  constructor(
    dbPath: string,
    readonly node: string,
    readonly faults: FaultLog,
    readonly handle: (change: SubscriptionChange) => Promise<ForwardResult>,
  ) {
    this.#directory = linkDirectory(dbPath);
    this.#server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > MAX_BODY_BYTES) req.destroy();
      });
      req.on('end', () => {
        void this.#answer(body).then((result) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(result));
        });
      });
    });
  }

  #socketOf(node: string): string {
    return socketPath(this.#directory, node);
  }

  /** Starts listening; when it cannot (no private directory), forwarding is off and says why once. */
  async start(): Promise<void> {
    try {
      if (process.platform !== 'win32') mkdirSync(this.#directory, { recursive: true, mode: 0o700 });
      // Made by another user, or opened up since: a socket there could be reached by them.
      for (const dir of process.platform === 'win32' ? [] : [dirname(this.#directory), this.#directory]) {
        const { uid, mode } = statSync(dir);
        if ((process.getuid && uid !== process.getuid()) || (mode & 0o077) !== 0)
          throw new Error(`${dir} must belong to this user and be closed to others (chmod 700)`);
      }
      await new Promise<void>((done, fail) => {
        this.#server.once('error', fail);
        this.#server.listen(this.#socketOf(this.node), () => {
          this.#server.off('error', fail);
          done();
        });
      });
      // Serving the other processes is no reason for this one to stay up.
      this.#server.unref();
      this.#listening = true;
      this.#removeDead();
    } catch (error) {
      this.faults.failed('listening for the other processes on this database', error);
    }
  }

  /** Applies a change on the process that holds its session; null when no process holds it. */
  forward(change: SubscriptionChange): Promise<ForwardResult> {
    const holder = processOfSid(change.sid);
    if (holder === null || holder === this.node || !/^[\w-]+$/.test(holder)) return Promise.resolve(null);
    const socketPath = this.#socketOf(holder);
    return new Promise((settle) => {
      // A connection per change (a local socket's connect is cheap): a pooled one could meet the
      // other process closing it as idle, and the change would be lost in that race.
      const options = { socketPath, path: '/', method: 'POST', timeout: REPLY_TIMEOUT_MS, agent: false };
      const req = request(options, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          try {
            settle(JSON.parse(text) as ForwardResult);
          } catch {
            settle(UNREACHABLE);
          }
        });
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (error: NodeJS.ErrnoException) => {
        // No such process any more: its socket gone, or left behind by a process that was killed
        // (nobody listens on it: removed, so the directory does not fill up with them).
        if (error.code === 'ECONNREFUSED') removeQuietly(socketPath);
        if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') return settle(null);
        this.faults.failed('forwarding a subscribe to another process', error);
        settle(UNREACHABLE);
      });
      req.end(JSON.stringify(changeToWire(change)));
    });
  }

  async close(): Promise<void> {
    if (!this.#listening) return;
    this.#listening = false;
    await new Promise<void>((done) => this.#server.close(() => done()));
    removeQuietly(this.#socketOf(this.node));
  }

  /** Sockets that killed processes left behind: nobody answers on them. */
  #removeDead(): void {
    if (process.platform === 'win32') return;
    for (const name of readdirSync(this.#directory)) {
      if (!name.endsWith('.sock') || name === `${this.node}.sock`) continue;
      const path = join(this.#directory, name);
      const probe = connect(path);
      probe.on('connect', () => probe.destroy());
      probe.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ECONNREFUSED') removeQuietly(path);
      });
    }
  }

  async #answer(body: string): Promise<ForwardResult> {
    try {
      return await this.handle(changeFromWire(JSON.parse(body) as WireChange));
    } catch (error) {
      this.faults.failed('applying a subscribe another process forwarded', error);
      return UNREACHABLE;
    }
  }
}

function removeQuietly(path: string): void {
  if (process.platform === 'win32') return;
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
