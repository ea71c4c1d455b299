import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Builds the demo's front end (plain TS + the elements) into demo/dist/client, with
 * stable names: the server renders the HTML and links /assets/main.js and main.css.
 */
export default defineConfig({
  root: here('./client'),
  // Workspace packages build from their TypeScript sources, so no `tsc -b` is needed first.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  logLevel: 'warn',
  build: {
    outDir: here('./dist/client'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    manifest: false,
    rollupOptions: {
      input: { main: here('./client/main.ts') },
      output: {
        entryFileNames: 'assets/[name].js',
        chunkFileNames: 'assets/[name].js',
        assetFileNames: 'assets/[name][extname]',
      },
    },
  },
});
