import { defineConfig } from 'vitest/config';

/**
 * The end-to-end checks: the real demo server in a child process, driven by Debian's
 * Chromium. Separate from `vitest run` (files end in .e2e.ts) so the node step stays
 * quick and this runs once, after a fresh front-end build.
 */
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/e2e/**/*.e2e.ts'],
    globalSetup: ['test/e2e/support/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
