import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { publish } from './report.js';

/** The machine the figures came from, as `nproc`, `free -h` and `node -v` report it. */
export function writeMachine(): void {
  const run = (cmd: string, args: string[]): string => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return 'n/a';
    }
  };
  const limits = run('sh', ['-c', 'echo "soft $(ulimit -Sn), hard $(ulimit -Hn)"']);
  publish(
    'machine',
    [
      `- CPU: ${run('nproc', [])} cores (${cpus()[0]?.model ?? 'unknown'}), shared with other work while the benchmarks ran`,
      `- Memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB (\`free -h\`: ${run('sh', ['-c', 'free -h | awk \'/Mem:/ {print $2" total, "$7" available"}\''])})`,
      `- Node ${process.version}, ${run('uname', ['-sr'])}, open files per process: ${limits}`,
      `- Chromium: ${run('/usr/bin/chromium', ['--version'])}`,
      `- Run at ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    ].join('\n'),
  );
}
