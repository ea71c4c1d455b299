import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources (the `source` export
// condition), so tests and the dev server never need a build first.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/core/test/**/*.test.ts', 'packages/server/test/**/*.test.ts', 'test/**/*.test.ts'],
    // Most test files wait on short presence windows rather than compute, so one file more than
    // there are cores keeps the machine busy (vitest's default is one fewer: serial on 2 cores).
    maxWorkers: availableParallelism() + 1,
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
