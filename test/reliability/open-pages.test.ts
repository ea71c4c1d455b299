import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { liveStateOf } from '@presence-kit/core';
import { openPage, settle, spawnServer, StreamRecorder, tempDbPath, type Frame } from '../support/index.js';

const children: ChildProcess[] = [];
const streams: StreamRecorder[] = [];
const pages: AbortController[] = [];
afterEach(() => {
  for (const s of streams.splice(0)) s.close();
  for (const p of pages.splice(0)) p.abort();
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

/** Ada's states as a watcher saw them, after its snapshot. */
const states = (s: StreamRecorder) =>
  s.frames.filter((f: Frame) => f.event !== 'roster' && f.users?.ada).map((f) => liveStateOf(f.users!.ada!));

describe('open pages and idle, several processes on one SQLite file', () => {
  it('agree: idle while a page is open on either, a reload across them shows nothing, offline after the margin once closed', async () => {
    const file = tempDbPath();
    const env = { PRESENCE_TIMEOUT_SECONDS: '4', PRESENCE_ONLINE_MARGIN_SECONDS: '2', PRESENCE_IDLE_SECONDS: '3' };
    const [a, b] = await Promise.all([spawnServer(file.path, env), spawnServer(file.path, env)]);
    children.push(a.child, b.child);
    expect(a.output()).toContain('idle after 3s');
    const onA = new StreamRecorder(`${a.url}/presence`, { uids: ['ada'], roster: {} });
    const onB = new StreamRecorder(`${b.url}/presence`, { uids: ['ada'], roster: {} });
    streams.push(onA, onB);
    await Promise.all([onA.waitFor(2), onB.waitFor(2)]);

    // Ada loads a page from B; her browser holds its stream on A.
    await fetch(`${b.url}/`, { headers: { 'x-forwarded-user': 'ada' } });
    const first = await openPage(a.url, 'ada');
    pages.push(first);
    await Promise.all([onA.waitFor(4), onB.waitFor(4)]);
    // No activity for max(window, idle) + margin = 6 s: idle on both, not offline.
    await Promise.all([onA.waitFor(6, 10_000), onB.waitFor(6, 10_000)]);
    expect(states(onA)).toEqual(['offline', 'online', 'idle']);

    // A navigation whose next stream lands on the other process: nobody sees her leave.
    first.abort();
    await settle(300);
    const second = await openPage(b.url, 'ada');
    pages.push(second);
    await settle(4000);
    expect(states(onA)).toEqual(['offline', 'online', 'idle']);

    // Her last page closes: offline after the 2 s margin and a tick, on both.
    const closed = Date.now();
    second.abort();
    await Promise.all([onA.waitFor(8, 6000), onB.waitFor(8, 6000)]);
    expect(Date.now() - closed).toBeLessThan(4500);
    expect(states(onA)).toEqual(['offline', 'online', 'idle', 'offline']);
    expect(states(onB)).toEqual(states(onA));
    expect(onB.frames.map((f) => f.event)).toEqual(onA.frames.map((f) => f.event));
    file.cleanup();
  }, 30_000);
});
