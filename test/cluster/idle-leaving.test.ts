import { afterEach, describe, expect, it } from 'vitest';
import { liveStateOf } from '@presence-kit/core';
import { openPage, settle, startCluster, StreamRecorder, type Frame, type TestCluster } from '../support/index.js';

let cluster: TestCluster | undefined;
const streams: StreamRecorder[] = [];
const pages: AbortController[] = [];
afterEach(async () => {
  for (const s of streams.splice(0)) s.close();
  for (const p of pages.splice(0)) p.abort();
  await cluster?.close();
  cluster = undefined;
});

const states = (s: StreamRecorder) =>
  s.frames.filter((f: Frame) => f.event !== 'roster' && f.users?.ada).map((f) => liveStateOf(f.users!.ada!));
const rosterIdle = (s: StreamRecorder) =>
  s.of('roster').map((f) => (f.data.users ?? f.data.join ?? []).map((tuple: unknown[]) => tuple[4] === 1));

describe('open pages and idle on Redis', () => {
  it('every node shows the same states: idle with a page open on any node, no flicker on a reload elsewhere, offline after the margin', async () => {
    cluster = await startCluster(2, {
      PRESENCE_TIMEOUT_SECONDS: '4',
      PRESENCE_ONLINE_MARGIN_SECONDS: '2',
      PRESENCE_IDLE_SECONDS: '3',
    });
    const [a, b] = cluster.nodes as [TestCluster['nodes'][0], TestCluster['nodes'][0]];
    const onA = new StreamRecorder(`${a.url}/presence`, { uids: ['ada'], roster: {} });
    const onB = new StreamRecorder(`${b.url}/presence`, { uids: ['ada'], roster: {} });
    streams.push(onA, onB);
    await Promise.all([onA.waitFor(2), onB.waitFor(2)]);

    await fetch(`${b.url}/`, { headers: { 'x-forwarded-user': 'ada' } });
    const first = await openPage(a.url, 'ada');
    pages.push(first);
    await Promise.all([onA.waitFor(4), onB.waitFor(4)]);
    await Promise.all([onA.waitFor(6, 10_000), onB.waitFor(6, 10_000)]);
    expect(states(onA)).toEqual(['offline', 'online', 'idle']);
    expect(rosterIdle(onA)).toEqual([[], [false], [true]]);

    first.abort();
    await settle(300);
    const second = await openPage(b.url, 'ada');
    pages.push(second);
    await settle(4000);
    expect(states(onA)).toEqual(['offline', 'online', 'idle']);

    const closed = Date.now();
    second.abort();
    await Promise.all([onA.waitFor(8, 6000), onB.waitFor(8, 6000)]);
    expect(Date.now() - closed).toBeLessThan(5000);
    expect(states(onA)).toEqual(['offline', 'online', 'idle', 'offline']);
    expect(states(onB)).toEqual(states(onA));
    // The same numbered changes on both nodes.
    expect(onB.frames.slice(2).map((f) => f.id)).toEqual(onA.frames.slice(2).map((f) => f.id));
  }, 40_000);

  it('keeps an idle person idle through a failover: the new leader starts from the published states', async () => {
    cluster = await startCluster(2, {
      PRESENCE_TIMEOUT_SECONDS: '4',
      PRESENCE_ONLINE_MARGIN_SECONDS: '2',
      PRESENCE_IDLE_SECONDS: '3',
    });
    // Ada's page and her watcher on the follower; the leader is the node that goes.
    const leader = (await cluster.nodeIds()).indexOf((await cluster.redis.client.get('presence:leader'))!);
    expect(leader).toBeGreaterThanOrEqual(0);
    const second = cluster.nodes[1 - leader]!;
    const watcher = new StreamRecorder(`${second.url}/presence`, { uids: ['ada'], roster: {} });
    streams.push(watcher);
    await watcher.waitFor(2);
    await fetch(`${second.url}/`, { headers: { 'x-forwarded-user': 'ada' } });
    const page = await openPage(second.url, 'ada');
    pages.push(page);
    await watcher.waitFor(6, 10_000);
    expect(states(watcher)).toEqual(['offline', 'online', 'idle']);

    // Killed, not stopped: the lease runs out within 3 ticks and the follower takes over.
    await cluster.kill(leader);
    await settle(6000);
    expect(states(watcher)).toEqual(['offline', 'online', 'idle']);

    page.abort();
    await watcher.waitFor(8, 8000);
    expect(states(watcher)).toEqual(['offline', 'online', 'idle', 'offline']);
  }, 40_000);
});
