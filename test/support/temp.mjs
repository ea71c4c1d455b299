// Scratch folders and SQLite files for tests, removed by `cleanup()`. Plain JS so that
// web-test-runner's config (which Node loads without a TypeScript loader) can use it too.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh empty folder under the system temp dir. */
export function tempDir(prefix = 'presence-kit-') {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** A path for a new SQLite file (with its -wal and -shm beside it) in a fresh folder. */
export function tempDbPath(name = 'presence.db') {
  const dir = tempDir();
  return { path: join(dir.path, name), cleanup: dir.cleanup };
}
