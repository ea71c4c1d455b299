import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDbPath } from '../../support/temp.mjs';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

export interface RunningDemo {
  url: string;
  /** Everything the server printed, for failure messages. */
  output(): string;
  /** SIGTERM, then resolves with the exit code (the demo must shut down cleanly). */
  stop(): Promise<number | null>;
}

export interface DemoEnv {
  timeoutSeconds: number;
  marginSeconds: number;
  crowd?: boolean;
}

/**
 * Starts the real demo server (`demo/server.ts`, exactly what `npm start` runs) on an
 * ephemeral port with a fresh SQLite file, and waits for the URL it prints.
 */
export async function startDemo(env: DemoEnv): Promise<RunningDemo> {
  const db = tempDbPath('demo.db');
  const child: ChildProcess = spawn(join(REPO, 'node_modules/.bin/tsx'), ['--conditions', 'source', 'demo/server.ts'], {
    cwd: REPO,
    env: {
      ...process.env,
      PORT: '0',
      PRESENCE_DB: db.path,
      PRESENCE_TIMEOUT_SECONDS: String(env.timeoutSeconds),
      PRESENCE_ONLINE_MARGIN_SECONDS: String(env.marginSeconds),
      DEMO_CROWD: env.crowd ? '1' : '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo printed no URL within 30 s:\n${output}`)), 30_000);
    const check = () => {
      const match = /presence-kit demo: (http:\/\/\S+?)\/?\s/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited with ${code} before listening:\n${output}`));
    });
  });

  return {
    url,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      db.cleanup();
      return code;
    },
  };
}

/** Builds the front end the demo serves (demo/dist/client) with the demo's own Vite config. */
export async function buildDemoClient(): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: join(REPO, 'demo/vite.config.ts'), logLevel: 'warn' });
}
