/**
 * packages/elements/custom-elements.json is generated (`npm run manifest`, also run by
 * `npm run build`) and shipped: it must match the sources, and describe only the
 * elements' public API.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from './support/index.js';

const elements = fileURLToPath(new URL('../packages/elements/', import.meta.url));
const committed = readFileSync(join(elements, 'custom-elements.json'), 'utf8');

interface Manifest {
  modules: {
    path: string;
    declarations?: { name: string; tagName?: string; members?: { name: string; privacy?: string }[] }[];
  }[];
}

describe('custom-elements.json', () => {
  it('is what `npm run manifest` generates from the sources now', () => {
    const out = tempDir('presence-kit-manifest-');
    try {
      // The package's own script, pointed at a scratch folder (the analyzer joins --outdir to its cwd).
      execFileSync('npm', ['run', 'manifest', '--silent', '--', '--outdir', relative(elements, out.path), '--quiet'], {
        cwd: elements,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const fresh = readFileSync(join(out.path, 'custom-elements.json'), 'utf8');
      expect(fresh, 'stale: run `npm run manifest` (or `npm run build`) and commit custom-elements.json').toBe(
        committed,
      );
    } finally {
      out.cleanup();
    }
  });

  it('lists the five elements and their public members only', () => {
    const manifest = JSON.parse(committed) as Manifest;
    const declarations = manifest.modules.flatMap((m) => m.declarations ?? []);
    expect(declarations.map((d) => d.tagName).sort()).toEqual([
      'online-now',
      'presence-dot',
      'presence-here',
      'presence-status',
      'presence-typing',
    ]);
    const hidden = declarations.flatMap((d) =>
      (d.members ?? [])
        .filter((m) => m.privacy !== undefined || m.name.startsWith('#'))
        .map((m) => `${d.name}.${m.name}`),
    );
    expect(hidden).toEqual([]);
    expect(manifest.modules.map((m) => m.path).sort()).toEqual([
      'dist/online-now.js',
      'dist/presence-dot.js',
      'dist/presence-here.js',
      'dist/presence-status.js',
      'dist/presence-typing.js',
    ]);
  });
});
