import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock, tempDbPath } from '../../../test/support/index.js';
import { FaultLog } from '../src/fault-log.js';
import { OpenPages } from '../src/open-pages.js';
import { createPagesTable } from '../src/pages-table.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** One process's open pages over a real pages table, and every row as SQLite holds it. */
function pagesOnFile() {
  const file = tempDbPath();
  const db = new BetterSqlite3(file.path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 0'); // as the kit opens it: never waiting on a lock
  cleanups.push(() => {
    db.close();
    file.cleanup();
  });
  const clock = new FakeClock();
  const table = createPagesTable(db);
  const writes: number[] = [];
  const pages = new OpenPages({
    write: (node, rows, now) => {
      writes.push(rows.length);
      table.write(node, rows, now);
    },
    writeSeconds: 30,
    marginSeconds: 20,
    now: clock.now,
    monotonic: clock.monotonic,
    faults: new FaultLog(() => {}),
  });
  const rows = () =>
    (
      db.prepare('SELECT uid, until - written AS ahead, written FROM presence_pages ORDER BY uid').all() as {
        uid: string;
        ahead: number;
        written: number;
      }[]
    ).map((r) => [r.uid, r.ahead / 1000, (r.written - clock.ms) / 1000]);
  return { clock, pages, table, writes, rows, path: file.path };
}

describe('open pages', () => {
  it('rewrites each open page once per write period after it was last written, spread as the pages opened', () => {
    const { clock, pages, writes, rows } = pagesOnFile();
    pages.opened('ada');
    clock.advance(10);
    pages.opened('bob');
    clock.advance(10);
    pages.opened('cyd');
    pages.opened('cyd'); // a second tab: nothing more to write
    expect(writes).toEqual([1, 1, 1]);
    for (let second = 0; second < 10; second++) {
      clock.advance(1);
      pages.sweep();
    }
    // 30 s after her page opened, only Ada's row is due.
    expect(writes).toEqual([1, 1, 1, 1]);
    expect(rows()).toEqual([
      ['ada', 60, 0],
      ['bob', 60, -20],
      ['cyd', 60, -10],
    ]);
  });

  it('writes a closing a quarter of the margin later, with the time it closed, and reopening before that writes nothing', () => {
    const { clock, pages, table, writes } = pagesOnFile();
    pages.opened('ada');
    const opened = clock.ms;
    pages.closed('ada');
    clock.advance(4); // a slow page load: the next stream opens 4 s later
    pages.opened('ada');
    pages.sweep();
    clock.advance(5);
    pages.sweep();
    expect(writes).toEqual([1]);
    pages.closed('ada');
    const closed = clock.ms;
    clock.advance(4.9);
    pages.sweep();
    expect(table.changedSince(0)).toEqual([['ada', opened + 60_000]]);
    clock.advance(0.1); // 5 s: a quarter of the 20 s margin
    pages.sweep();
    expect(table.changedSince(0)).toEqual([['ada', closed]]);
  });

  it('keeps a write the locked database refused and writes it at the next sweep', () => {
    const { clock, pages, table, path } = pagesOnFile();
    const other = new BetterSqlite3(path);
    cleanups.unshift(() => other.close());
    other.exec('BEGIN IMMEDIATE'); // another process holds the write lock
    pages.opened('ada');
    other.exec('COMMIT');
    expect(table.changedSince(0)).toEqual([]);
    pages.sweep();
    expect(table.changedSince(0)).toEqual([['ada', clock.ms + 60_000]]);
  });

  it('ends each sweep when the clock moves on or back while it rewrites the due rows, writing each once', () => {
    // A real clock: every read is a millisecond later, so rows rewritten in a sweep are dated after it began.
    let ms = Date.UTC(2026, 11, 2, 12);
    let step = 1;
    const written: string[][] = [];
    const pages = new OpenPages({
      write: (_node, rows) => void written.push(rows.map(([uid]) => uid)),
      writeSeconds: 2,
      marginSeconds: 2,
      now: () => (ms += step),
      monotonic: () => ms,
      faults: new FaultLog(() => {}),
    });
    pages.opened('ada');
    pages.opened('bob');
    ms += 2000;
    pages.sweep();
    step = -5; // and set back a little at every read
    ms += 2100;
    pages.sweep();
    expect(written).toEqual([['ada'], ['bob'], ['ada', 'bob'], ['ada', 'bob']]);
  });
});
