import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settle, startCluster, StreamRecorder, type TestCluster } from '../support/index.js';

// 3 standalone nodes on one redis-server behind a round-robin balancer: every request, stream
// or subscribe, lands on the next node, so a session's subscribes reach it through another one.
let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startCluster(3, { PRESENCE_TIMEOUT_SECONDS: '3', PRESENCE_ONLINE_MARGIN_SECONDS: '1' });
}, 30_000);
afterAll(() => cluster?.close());

describe('three nodes on Redis behind a round-robin balancer', () => {
  it('shows every watcher, whichever node holds its stream, the same transitions with the same ids', async () => {
    const watchers = [0, 1, 2].map(() => new StreamRecorder(cluster.base, { uids: ['ada', 'bob'], roster: {} }));
    for (const watcher of watchers) await watcher.waitFor(2);
    const ids = await cluster.nodeIds();
    // Each stream on its own node (the balancer's order), each subscribe through another node.
    expect(new Set(watchers.map((w) => w.hellos[0]!.sid.split('.')[0])).size).toBe(3);
    for (const w of watchers) expect(ids).toContain(w.hellos[0]!.sid.split('.')[0]);
    expect(new Set(watchers.map((w) => w.hellos[0]!.epoch)).size).toBe(1);

    expect(await cluster.visit('ada')).toBe(200);
    for (const watcher of watchers) await watcher.waitFor(4);
    // (Each node states its own clock `t`, so only the flags and the people are compared.)
    const seen = watchers.map((w) =>
      w.frames
        .slice(2)
        .map((f) => [
          f.event,
          f.id,
          f.event === 'presence' ? f.users!.ada!.online : f.data.join.map((j: unknown[]) => j[0]),
        ]),
    );
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[2]).toEqual(seen[0]);
    expect(watchers[0]!.frames[2]).toMatchObject({ event: 'presence', users: { ada: { online: true } } });

    // Ada goes quiet: she leaves after window + margin, once, on every node, with the same id.
    for (const watcher of watchers) await watcher.waitFor(6, 10_000);
    const left = watchers.map((w) =>
      w.frames.slice(4).map((f) => [f.event, f.id, f.event === 'presence' ? f.users!.ada!.online : f.data.leave]),
    );
    expect(left[0]).toEqual([
      ['presence', left[0]![0]![1], false],
      ['roster', left[0]![0]![1], ['ada']],
    ]);
    expect(left[1]).toEqual(left[0]);
    expect(left[2]).toEqual(left[0]);
    await settle(300);
    for (const watcher of watchers) expect(watcher.frames).toHaveLength(6);
    for (const watcher of watchers) watcher.close();
  }, 20_000);

  it('resumes a session on another node from a position one node handed out', async () => {
    const first = new StreamRecorder(cluster.base, { uids: ['cy'] });
    await first.waitFor(1);
    await cluster.visit('cy');
    await first.waitFor(2);
    const since = first.frames[1]!.id;
    const firstNode = first.hellos[0]!.sid.split('.')[0];
    first.close();

    // A new page whose stream lands on another node, which resumes from the first node's position.
    const open = async () => {
      const reader = (await fetch(`${cluster.base}/stream?v=2`)).body!.getReader();
      let text = '';
      while (!text.includes('"sid"')) text += new TextDecoder().decode((await reader.read()).value);
      return { reader, text, sid: /"sid":"([^"]+)"/.exec(text)![1]! };
    };
    let stream = await open();
    while (stream.sid.startsWith(`${firstNode}.`)) {
      await stream.reader.cancel();
      stream = await open();
    }
    const { reader, sid } = stream;
    let { text } = stream;
    const answer = await fetch(`${cluster.base}/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sid, add: ['cy', 'dee'], known: ['cy'], since }),
    });
    expect(answer.status).toBe(200);
    while (!text.includes('event: snapshot')) text += new TextDecoder().decode((await reader.read()).value);
    // cy did not flip since: only dee is sent.
    expect(/event: snapshot\nid: (\S+)\ndata: (.*)\n/.exec(text)!.slice(1)).toEqual([
      since,
      expect.stringContaining('"never":["dee"]'),
    ]);
    expect(text).not.toContain('"cy"');
    await reader.cancel();
  });

  it('answers 404 unknown_session for a sid no node holds', async () => {
    const answer = await fetch(`${cluster.base}/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sid: 'nobody.abc', add: ['ada'] }),
    });
    expect(answer.status).toBe(404);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('unknown_session');
  });
});
