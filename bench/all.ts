/**
 * `npm run bench`: every scenario, one at a time (the big ones must not share the 2
 * cores), each in its own process; then the tables go into BENCHMARKS.md.
 * `npm run bench -- --quick` runs small sizes for a quick look (and still writes the tables).
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeMachine } from './lib/machine.js';
import { spliceResults } from './lib/splice.js';

const here = dirname(fileURLToPath(import.meta.url));
const scenarios = [
  '1-connections',
  '2-fanout',
  '3-tick',
  '4-middleware',
  '5-messages',
  '6-client',
  '7-host',
  '8-processes',
  '9-tabs',
  '10-cluster',
  '11-rooms',
  '12-roster',
];
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));

writeMachine();
let failed = 0;
for (const name of scenarios.filter((s) => only.length === 0 || only.some((o) => s.startsWith(o)))) {
  console.log(`\n## ${name}\n`);
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--conditions', 'source', join(here, `${name}.ts`), ...flags],
    {
      stdio: 'inherit',
      cwd: join(here, '..'),
    },
  );
  if (run.status !== 0) failed++;
  console.log(
    `(${name}: ${((performance.now() - started) / 1000).toFixed(0)} s${run.status !== 0 ? `, exited ${run.status}` : ''})`,
  );
}
spliceResults();
// A scenario that crashed is an error; a slow one never is.
process.exit(failed > 0 ? 1 : 0);
