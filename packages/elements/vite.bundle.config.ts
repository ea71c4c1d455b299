import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * One self-contained ES module (Lit and core included) that defines the three tags:
 * `dist/presence-kit.js`, for a plain `<script type="module">` with no bundler.
 */
export default defineConfig({
  resolve: { conditions: ['source', ...defaultClientConditions] },
  logLevel: 'warn',
  build: {
    lib: { entry: here('src/define.ts'), formats: ['es'], fileName: () => 'presence-kit.js' },
    outDir: here('dist'),
    // tsc -b writes the rest of dist/; this adds one file beside it.
    emptyOutDir: false,
    target: 'es2022',
    sourcemap: true,
  },
});
