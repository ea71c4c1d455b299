import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Request {
  type: string;
  [key: string]: unknown;
}

/** A bench worker in its own process, driven by request/reply messages over IPC. */
export class Worker {
  readonly #child: ChildProcess;
  #next = 0;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  readonly exited: Promise<number | null>;

  constructor(script: string, args: readonly string[] = []) {
    // Workers run TypeScript sources through tsx, with gc exposed so memory is measured after a collection.
    this.#child = fork(join(root, 'bench', 'workers', script), [...args], {
      cwd: root,
      execArgv: ['--import', 'tsx', '--conditions', 'source', '--expose-gc', ...profileFlags(script)],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#child.on('message', (message: { id: number; ok: boolean; value?: unknown; error?: string }) => {
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      if (message.ok) pending.resolve(message.value);
      else pending.reject(new Error(`${script}: ${message.error}`));
    });
    this.exited = new Promise((resolve) => {
      this.#child.on('exit', (code) => {
        for (const p of this.#pending.values()) p.reject(new Error(`${script} exited with ${code} before replying`));
        this.#pending.clear();
        resolve(code);
      });
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  call<T>(request: Request): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#child.send({ ...request, id });
    });
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    // A worker asked to stop exits by itself: give it a moment (a CPU profile is written on the way out).
    await Promise.race([this.exited, new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    this.#child.kill('SIGTERM');
    await this.exited;
  }
}

/** `BENCH_CPU_PROF=sse-server.ts` writes a .cpuprofile of that worker to bench/profiles/ (open it in DevTools). */
function profileFlags(script: string): string[] {
  return process.env.BENCH_CPU_PROF === script ? ['--cpu-prof', '--cpu-prof-dir', join(root, 'bench', 'profiles')] : [];
}

/** The worker side: answers each request with the handler's result (or its error). */
export function serveRequests(handler: (request: Request) => unknown): void {
  process.on('message', async (message: Request & { id: number }) => {
    try {
      const value = await handler(message);
      process.send?.({ id: message.id, ok: true, value });
    } catch (error) {
      process.send?.({
        id: message.id,
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
  });
  // A worker dies with its parent instead of lingering.
  process.on('disconnect', () => process.exit(0));
}

/** High-resolution epoch milliseconds, comparable across processes on one machine. */
export function clockMs(): number {
  return performance.timeOrigin + performance.now();
}
