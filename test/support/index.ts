// The node-side test support for every vitest suite (packages/*/test, test/reliability,
// test/e2e): import from here. Two modules stay out of this index on purpose:
// browser.ts (Playwright's Chromium and the page's EventSource counter, for e2e, the
// client benchmark and the screenshot script) and, for the browser tests in
// packages/elements/test/support, wait.ts and event-source-counter.js, loaded directly.
export { FrameReader, StreamRecorder, type Frame, type Watch } from './event-stream.js';
export { seededRandom } from './random.js';
export { compareByLocaleCompare, FullOnlineSet, type FullStep } from './full-online-set.js';
export {
  createTestApp,
  createTestHost,
  FakeClock,
  spawnServer,
  startServer,
  type ServerProcess,
  type TestApp,
  type TestServer,
  type TestSession,
} from './server.js';
export { tempDbPath, tempDir, type TempPath } from './temp.mjs';
export { eventually, settle } from './wait.js';
export { freePort } from './ports.js';
export { openPage } from './page.js';
export { startRedis, type TestRedis } from './redis.js';
export { startBalancer, type Balancer } from './balancer.js';
export { startCluster, type TestCluster } from './cluster.js';
