import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources (the `source` export
// condition), so tests and the dev server never need a build first.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/core/test/**/*.test.ts', 'packages/server/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
