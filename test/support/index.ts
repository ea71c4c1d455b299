// The node-side test support for every vitest suite (packages/*/test, test/reliability,
// test/e2e): import from here.
export { FrameReader, StreamRecorder, type Frame } from './event-stream.js';
export { seededRandom } from './random.js';
export { createTestApp, FakeClock, spawnServer, startServer, type ServerProcess, type TestApp, type TestServer } from './server.js';
export { tempDbPath, tempDir, type TempPath } from './temp.mjs';
export { eventually, settle } from './wait.js';
