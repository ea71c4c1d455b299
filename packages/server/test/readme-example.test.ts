import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test/support/index.js';

const examplePath = fileURLToPath(new URL('../examples/mount-in-hono.ts', import.meta.url));
const readme = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
const home = process.cwd();
const dir = tempDir('presence-kit-example-');

beforeAll(() => {
  // The example opens app.db in the working directory, where the host's users table already lives.
  const db = new BetterSqlite3(join(dir.path, 'app.db'));
  db.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT, avatar_url TEXT)');
  db.prepare('INSERT INTO users VALUES (7, ?, ?)').run('grace', '/g.png');
  db.close();
  process.chdir(dir.path);
});
afterAll(() => {
  process.chdir(home);
  dir.cleanup();
});

describe('the README’s "mount it in your Hono app" example', () => {
  it('is the example file, verbatim', () => {
    expect(readme).toContain(readFileSync(examplePath, 'utf8').trim());
  });

  it('runs: activity through the middleware shows up in the mounted endpoints and the HTML', async () => {
    const { app, presence } = await import('../examples/mount-in-hono.js');
    try {
      const page = await app.request('/profile/7', { headers: { cookie: 'uid=7' } });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('<presence-status uid="7"');
      expect(html).toMatch(/<presence-dot uid="7" last-seen="\d+" online><img/);

      presence.relay.tick();
      const status = await app.request('/presence/status?uids=7');
      expect(await status.json()).toMatchObject({ users: { '7': { online: true } } });
      const roster = await app.request('/presence/roster');
      expect(await roster.json()).toMatchObject({ count: 1, users: [{ uid: '7', name: 'grace', avatar: '/g.png' }] });
    } finally {
      presence.close();
    }
  });
});
