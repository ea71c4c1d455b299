import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamRecorder, tempDir, type TempPath } from '../../../test/support/index.js';

const example = new URL('../examples/mount-in-hono.ts', import.meta.url);
const serverIndex = new URL('../src/index.ts', import.meta.url);
// Resolved here: from the empty folder, `--import tsx` would find no tsx.
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const readme = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');

// The example as a host runs it: its own process, working directory an empty folder, served on a real port.
const main = `
  const { app, presence, db } = await import(${JSON.stringify(example.href)});
  const { servePresence } = await import(${JSON.stringify(serverIndex.href)});
  const running = await servePresence({ app, presence });
  console.log('listening on ' + running.url);
  process.once('SIGTERM', () => running.close().then(() => { db.close(); process.exit(0); }));
`;

const dirs: TempPath[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.cleanup();
});

describe('the README’s "mount it in your Hono app" example', () => {
  it('is the example file, verbatim', () => {
    expect(readme).toContain(readFileSync(example, 'utf8').trim());
  });

  it('runs as written in an empty folder: activity shows up in the endpoints, the stream and the HTML', async () => {
    const temp = tempDir('presence-kit-example-');
    dirs.push(temp);
    const dir = temp.path;
    const child = spawn(
      process.execPath,
      ['--conditions', 'source', '--import', tsx, '--input-type=module', '-e', main],
      {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk;
        const match = /listening on (\S+)/.exec(output);
        if (match) resolve(match[1]!);
      });
      child.stderr.on('data', (chunk: Buffer) => (output += chunk));
      void exited.then(() => reject(new Error(`the example exited before listening: ${output}`)));
    });
    const stream = new StreamRecorder(`${url}/presence`, { uids: ['7'], roster: {} });
    try {
      await stream.waitFor(2);
      const page = await fetch(`${url}/profile/7`, { headers: { cookie: 'uid=7' } });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toMatch(
        /^<h1>grace <presence-status uid="7" last-seen="\d+" online server-now="\d+" server-window="60 20">online<\/presence-status><\/h1>/,
      );
      expect(html).toMatch(
        /<presence-dot uid="7" last-seen="\d+" online server-now="\d+" server-window="60 20"><img src="\/g.png" alt=""><\/presence-dot>/,
      );
      expect((await fetch(`${url}/profile/8`)).status).toBe(404);

      await stream.waitFor(4);
      expect(stream.of('presence')[0]).toMatchObject({ users: { '7': { online: true } } });
      expect(stream.of('roster')[1]).toMatchObject({
        data: { count: 1, join: [['7', 'grace', '/g.png', expect.any(Number)]] },
      });
      expect(await (await fetch(`${url}/presence/status?uids=7`)).json()).toMatchObject({
        users: { '7': { online: true } },
      });
    } finally {
      stream.close();
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);

    // What it leaves: the app's own database, with the column and index the kit added.
    expect(readdirSync(dir)).toEqual(['app.db']);
    const db = new BetterSqlite3(join(dir, 'app.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT id, username FROM users WHERE last_seen IS NOT NULL').all()).toEqual([
        { id: 7, username: 'grace' },
      ]);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'users'").all()).toEqual([
        { name: 'users_last_seen_idx' },
      ]);
    } finally {
      db.close();
    }
  });
});
