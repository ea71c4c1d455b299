import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { readmeBundleSize } from './scripts/bundle-size.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const FILE = 'presence-kit.js';
/** The SharedWorker the bundle starts, emitted beside it: tabs share a worker only by the same same-origin URL. */
const WORKER_FILE = 'presence-kit-worker.js';

/**
 * One self-contained ES module (Lit and core included) that defines the three tags:
 * `dist/presence-kit.js`, for a plain `<script type="module">` with no bundler, and beside
 * it the SharedWorker it starts, `dist/presence-kit-worker.js` (serve both from one folder).
 */
export default defineConfig({
  // Lit's `development` export logs "Lit is in dev mode" on every page. Vite picks it
  // whenever NODE_ENV is not `production` (a dev shell, vitest), so name `production`
  // outright instead of Vite's `development|production` placeholder.
  resolve: { conditions: ['source', 'module', 'browser', 'production'] },
  logLevel: 'warn',
  // The worker's URL relative to the bundle (`new URL('./…', import.meta.url)`), wherever the host serves it.
  base: './',
  worker: { format: 'es', rolldownOptions: { output: { entryFileNames: WORKER_FILE, sourcemap: true } } },
  plugins: [
    // The root README states the gzipped size; tests check it and must not rewrite it.
    readmeBundleSize({ fileName: FILE, readme: here('../../README.md'), write: !process.env.VITEST }),
  ],
  build: {
    lib: { entry: here('src/define.ts'), formats: ['es'], fileName: () => FILE },
    outDir: here('dist'),
    // tsc -b writes the rest of dist/; this adds one file beside it.
    emptyOutDir: false,
    target: 'es2022',
    // Library mode keeps ES output readable (whitespace, pure annotations) for bundlers to
    // shake; this file goes to browsers as it is, so minify it fully.
    rolldownOptions: { output: { minify: true, comments: false } },
    sourcemap: true,
  },
});
