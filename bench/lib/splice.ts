import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Puts each bench/results/<name>.md between `<!-- bench:<name> -->` and
 * `<!-- /bench:<name> -->` in BENCHMARKS.md, so the tables there are always generated.
 */
export function spliceResults(file = join(root, 'BENCHMARKS.md')): void {
  if (!existsSync(file)) return;
  let doc = readFileSync(file, 'utf8');
  const dir = join(root, 'bench', 'results');
  for (const entry of readdirSync(dir).filter((f) => f.endsWith('.md'))) {
    const name = entry.slice(0, -3);
    const open = `<!-- bench:${name} -->`;
    const close = `<!-- /bench:${name} -->`;
    const start = doc.indexOf(open);
    const end = doc.indexOf(close);
    if (start < 0 || end < start) continue;
    doc = `${doc.slice(0, start + open.length)}\n${readFileSync(join(dir, entry), 'utf8').trim()}\n${doc.slice(end)}`;
  }
  writeFileSync(file, doc);
}
