import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Cell = string | number;

/** A markdown table; numbers are printed as given (format them first). */
export function table(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const line = (cells: readonly Cell[]): string => `| ${cells.map(String).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

export const fmt = {
  /** Fixed decimals, thousands separated. */
  n: (value: number, digits = 0): string =>
    value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }),
  ms: (value: number): string => (value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0)),
  kib: (bytes: number): string => (bytes / 1024).toFixed(2),
  ratio: (value: number): string => `${value.toFixed(2)}×`,
};

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

/**
 * Prints a scenario's markdown and keeps it in bench/results/ for BENCHMARKS.md. A
 * `--quick` run only prints: its small sizes must never replace the published figures.
 */
export function publish(scenario: string, markdown: string): void {
  console.log(markdown);
  if (quick) return;
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `${scenario}.md`), `${markdown.trim()}\n`);
}

/** True when this module is the script node was asked to run (not imported by the smoke test). */
export function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && fileURLToPath(moduleUrl) === process.argv[1];
}

/** `--quick` (or BENCH_QUICK=1) shrinks a scenario for a fast look; the published numbers come from full runs. */
export const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
