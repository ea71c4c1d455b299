import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './demo-server.js';

/** Where the e2e checks save their screenshots (gitignored). */
export function screenshotDir(): string {
  const dir = process.env.SCREENSHOT_DIR ?? join(REPO, 'test-results/screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}
