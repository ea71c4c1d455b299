// Browser tests for packages/elements, in headless Chromium, against the REAL presence
// server (packages/elements/test/support/presence-server.mjs, which needs `npm run build`).
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { ariaSnapshot } from './packages/elements/test/support/aria-snapshot.mjs';
import { presenceServer } from './packages/elements/test/support/presence-server.mjs';
import { chromiumArgs, chromiumPath } from './test/chromium.mjs';

const server = presenceServer();

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  files: ['packages/elements/test/**/*.test.ts'],
  nodeResolve: { exportConditions: ['source'] },
  // One page at a time: the test files share the one server and its clock.
  concurrency: 1,
  testFramework: { config: { timeout: 10_000 } },
  middleware: [server.middleware],
  plugins: [
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'packages/elements/tsconfig.json' }),
    server.plugin,
    ariaSnapshot,
  ],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: { executablePath: chromiumPath, headless: true, args: chromiumArgs },
    }),
  ],
};
