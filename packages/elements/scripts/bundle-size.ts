import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/** Where the README states the bundle's size: the build rewrites what is between the markers. */
const MARKED = /(<!-- bundle-size -->)([^<]*)(<!-- \/bundle-size -->)/;

/** The figure the README shows for a file: its gzipped size in KB, one decimal. */
export function gzippedSize(code: string | Uint8Array): string {
  return `${(gzipSync(code, { level: 9 }).length / 1000).toFixed(1)} KB`;
}

/** The figure the README states now, or null when the markers are missing. */
export function statedSize(readme: string): string | null {
  return MARKED.exec(readme)?.[2] ?? null;
}

/**
 * Writes the measured gzipped size of `fileName` into the README after every build, so
 * the figure is generated, never typed. `write: false` only measures (tests check the
 * committed figure against the real one and must not rewrite it).
 */
export function readmeBundleSize(options: { fileName: string; readme: string; write: boolean }): Plugin {
  return {
    name: 'readme-bundle-size',
    apply: 'build',
    generateBundle(_output, bundle) {
      const chunk = bundle[options.fileName];
      if (!options.write || chunk?.type !== 'chunk') return;
      const readme = readFileSync(options.readme, 'utf8');
      if (!MARKED.test(readme))
        this.error(`${options.readme} has no <!-- bundle-size --> marker to write the size into.`);
      const next = readme.replace(MARKED, `$1${gzippedSize(chunk.code)}$3`);
      if (next !== readme) writeFileSync(options.readme, next);
    },
  };
}
