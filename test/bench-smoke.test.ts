/**
 * Every benchmark scenario at a tiny size, so the scripts cannot rot. Only counts and
 * correctness are asserted here — never a time (speed is what `npm run bench` prints).
 */
import { describe, expect, it } from 'vitest';
import { runConnections } from '../bench/1-connections.js';
import { runFanout } from '../bench/2-fanout.js';
import { runTick } from '../bench/3-tick.js';
import { runMiddleware } from '../bench/4-middleware.js';
import { TEAM_TRACE, runMessages } from '../bench/5-messages.js';
import { runClient } from '../bench/6-client.js';
import { runHost } from '../bench/7-host.js';
import { runProcesses } from '../bench/8-processes.js';
import { runTabs } from '../bench/9-tabs.js';
import { runCluster } from '../bench/10-cluster.js';
import { runRooms } from '../bench/11-rooms.js';
import { runRoster } from '../bench/12-roster.js';

describe('benchmark scenarios at smoke size', () => {
  it('1: both servers hold every idle stream they were given', async () => {
    const { rows, markdown } = await runConnections({ counts: [20], clientProcesses: 2, uidsPerStream: 3, warmup: 4 });
    expect(rows.map((r) => [r.server, r.connections])).toEqual([
      ['bare', 20],
      ['presence', 20],
    ]);
    expect(markdown).toContain('| 20 |');
  }, 60_000);

  it('2: every stream gets exactly one frame per transition, in both watch shapes', async () => {
    const { rows } = await runFanout({ connections: 12, clientProcesses: 2, rounds: 1, settleMs: 1300 });
    expect(rows).toHaveLength(6);
    for (const row of rows) expect(row.delivered, `${row.shape} / ${row.transition}`).toBe(row.expected);
    expect(rows.every((r) => r.expected === 12 || r.expected === 24)).toBe(true);
  }, 90_000);

  it('3: the incremental tick and the full recomputation agree on every change, and the incremental one reads fewer rows', async () => {
    const { rows } = await runTick({ users: [4000], onlineFractions: [0.1], repeats: 5, changesPerKind: 5 });
    expect(rows.map((r) => r.online)).toEqual([400]);
    for (const row of rows) {
      expect(row.disagreements).toBe(0);
      expect(row.changes).toBeGreaterThan(0);
      expect(row.rowsAfter).toBeLessThan(row.rowsBefore);
    }
  }, 60_000);

  it('4: the middleware writes each user at most once per write window, and every write reaches SQLite', async () => {
    const { result } = await runMiddleware({ users: 40, seconds: 1, rounds: 1, connections: 4, writeSeconds: 1 });
    expect(result.violations).toBe(0);
    expect(result.usersWritten).toBe(40);
    expect(result.usersStored).toBe(40);
    expect(result.maxWritesPerUser).toBeLessThanOrEqual(Math.ceil(result.windowsElapsed) + 1);
    expect(result.bare.every((r) => r.non2xx === 0 && r.errors === 0)).toBe(true);
  }, 60_000);

  it('5: replaying one trace, presence-kit pages miss nothing, never flicker and get nothing while idle', async () => {
    const { rows } = await runMessages({ users: 60, durationMs: 180_000, watchesPerPage: 5, seed: 1 });
    const kit = rows.filter((r) => r.system === 'presence-kit');
    const peer = rows.filter((r) => r.system !== 'presence-kit');
    expect(kit.map((r) => r.mode)).toEqual(['multi-page', 'single-page', 'single-page, readers']);
    for (const r of kit) {
      expect([r.flicker, r.missedSamples, r.framesToIdlePages, r.uselessUpdates, r.offlineWhileActiveSamples]).toEqual([
        0, 0, 0, 0, 0,
      ]);
      expect(r.samples).toBeGreaterThan(0);
    }
    // A reader's trailing report is dated when it is sent, up to a write period after their last
    // interaction: only there may a dot stay green a little past window + margin.
    expect(kit.slice(0, 2).map((r) => r.onlineWhileIdleSamples)).toEqual([0, 0]);
    // Same trace, same pages: both systems served the same page views.
    expect(kit.map((r) => r.pages)).toEqual(peer.map((r) => r.pages));
    // Readers report their activity; pages that only make requests never do.
    expect(kit.map((r) => r.heartbeats > 0)).toEqual([false, false, true]);
  }, 60_000);

  it('7: the host serves its own requests beside presence, whose set changes every second', async () => {
    const { rows } = await runHost({ online: 200, users: 400, perSecond: 2, seconds: 3 });
    expect(rows.map((r) => r.mode)).toEqual(['bare', 'presence', 'presence + 1 roster stream']);
    for (const row of rows) expect(row.requests.count).toBeGreaterThan(10);
    for (const row of rows.slice(1)) expect(row.changesPerSecond).toBeGreaterThan(0);
    expect(rows[2]!.rosterBytes).toBeGreaterThan(0);
  }, 60_000);

  it("12: every roster watcher gets each change of its window at once and the count at most once per countSeconds, and ends each frame on the relay's window", async () => {
    const { rows } = await runRoster({ onlines: [300], watchers: 3, max: 5, perSecond: 2, seconds: 3 });
    expect(rows.map((r) => [r.mode, r.watchers])).toEqual([
      ['bare host', 0],
      ['presence + roster watchers', 3],
    ]);
    const kit = rows[1]!;
    expect(kit.windowChanges).toBeGreaterThan(0);
    expect(kit.mismatches).toBe(0);
    expect(kit.bytesPerWatcher).toBeGreaterThan(0);
    expect(kit.cpu).toBeGreaterThan(0);
  }, 60_000);

  it('8: two processes on one file both deliver every transition, whichever process saw the activity', async () => {
    const { result } = await runProcesses({ streamsPerServer: 20, clientProcesses: 2, flipsPerRound: 3, rounds: 1 });
    expect(result.held).toEqual([20, 20]);
    expect(result.expected).toBeGreaterThan(0);
    expect(result.delivered).toBe(result.expected);
    expect(result.otherProcess.count).toBeGreaterThan(0);
  }, 60_000);

  it('6: a page of dots opens exactly one stream and shows every dot and a change', async () => {
    const { result } = await runClient({ dots: 20, changes: 1 });
    expect(result.eventSources).toBe(1);
    expect(result.streamRequests).toBe(1);
    expect(result.changeToPaintedMs).toHaveLength(1);
  }, 60_000);

  it('5: the team trace (every page shows every member) replays with nothing missed', async () => {
    const { rows } = await runMessages({ users: 20, watchesPerPage: 19, durationMs: 120_000, seed: 2 });
    const kit = rows.filter((r) => r.system === 'presence-kit');
    expect(kit.map((r) => r.mode)).toEqual(['multi-page', 'single-page', 'single-page, readers']);
    for (const r of kit) expect([r.missedSamples, r.uselessUpdates]).toEqual([0, 0]);
    expect(TEAM_TRACE.watchesPerPage).toBe(TEAM_TRACE.users - 1);
  }, 60_000);

  it('9: tabs on the shared paths all load and share one stream; per tab, the 7th and 8th do not load', async () => {
    const { rows } = await runTabs({ tabs: 8, team: 3, changes: 1, intervalMs: 200 });
    expect(rows.map((r) => [r.path, r.loaded, r.streams])).toEqual([
      ['tab', 6, 6],
      ['leader', 8, 1],
      ['worker', 8, 1],
    ]);
    for (const r of rows.slice(1)) expect([r.live, r.sawEveryChange]).toEqual([8, 8]);
  }, 120_000);

  it('10: three nodes on Redis and one on SQLite deliver every cross-node frame, with Redis ops per tick the same for few and many streams', async () => {
    const { rows } = await runCluster({ streams: 12, fewStreams: 3, rounds: 2, idleSeconds: 2 });
    expect(rows.map((r) => [r.setup, r.delivered, r.expected])).toEqual([
      ['1 node, SQLite', 24, 24],
      ['3 nodes + Redis', 8, 8],
    ]);
    const ticks = rows[1]!.opsPerTick!;
    expect(ticks.many).toBeGreaterThan(0);
    // Counted over 2 s on a loaded machine, an XREAD or a late tick (the lease's, the rooms') that falls inside one
    // sample and not the other adds one or two; commands that grew with streams would add one per stream (9 here).
    expect(Math.abs(ticks.many - ticks.few)).toBeLessThanOrEqual(2);
  }, 90_000);

  it('11: every viewer of a room gets at most one room frame per tick, fewer than the naive broadcast sends', async () => {
    const { rows } = await runRooms({ viewers: 30, seconds: 10, graceSeconds: 2, seed: 1 });
    expect(rows.map((r) => r.window)).toEqual(['first 12', 'whole room']);
    for (const row of rows) {
      expect(row.maxFramesPerTick).toBe(1);
      expect(row.peakMembers).toBeGreaterThan(0);
      expect(row.framesPerViewer).toBeLessThanOrEqual(row.ticks + 1);
      expect(row.framesPerViewer).toBeLessThan(row.naiveMessagesPerViewer);
    }
  }, 60_000);
});
