import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from './ports.js';

/** Debian's package (`apt-get install redis-server`); `REDIS_SERVER` names another binary. */
const BINARY = process.env.REDIS_SERVER ?? 'redis-server';

export interface TestRedis {
  url: string;
  port: number;
  /** The server process now (a restart makes a new one). */
  child: ChildProcess;
  /** A plain client for looking inside: keys, INFO. */
  client: Redis;
  /** Kills it by pid and, after `downMs`, starts a new one on the same port with no data (`--save ""`). */
  restart(downMs?: number): Promise<void>;
  /** SIGSTOP / SIGCONT: a stalled server that holds its connections open. */
  pause(): void;
  resume(): void;
  /** Calls of each command since the last reset (INFO commandstats). */
  commandCalls(): Promise<Record<string, number>>;
  resetStats(): Promise<void>;
  stop(): Promise<void>;
}

function launch(port: number): Promise<ChildProcess> {
  const child = spawn(BINARY, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    child.on('error', (error) =>
      reject(
        new Error(`could not start ${BINARY} (${error.message}); install it with \`apt-get install redis-server\`.`),
      ),
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      if (out.includes('Ready to accept connections')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`${BINARY} exited with ${code} before it was ready: ${out}`)));
  });
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGCONT');
  child.kill('SIGKILL');
  await exited;
}

/** Its own redis-server on a free port, with no persistence, for one test file. */
export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  let child = await launch(port);
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 50 });
  client.on('error', () => {});
  const redis: TestRedis = {
    url,
    port,
    client,
    get child() {
      return child;
    },
    async restart(downMs = 0) {
      await kill(child);
      await new Promise((resolve) => setTimeout(resolve, downMs));
      child = await launch(port);
    },
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    async commandCalls() {
      const info = await client.info('commandstats');
      const calls: Record<string, number> = {};
      for (const [, name, count] of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls[name!] = Number(count);
      return calls;
    },
    async resetStats() {
      await client.config('RESETSTAT');
    },
    async stop() {
      client.disconnect();
      await kill(child);
    },
  };
  return redis;
}
