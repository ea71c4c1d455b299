import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrameReader, startCluster, type TestCluster } from '../support/index.js';

// Two standalone server processes on one redis-server: one is killed (SIGKILL, no goodbye).
let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startCluster(2, { PRESENCE_ROOM_GRACE_SECONDS: '1' });
}, 30_000);
afterAll(() => cluster?.close());

/** A page on one node, as `uid`, in `room`; reads its room frames and keeps who is there. */
async function enter(url: string, uid: string, room: string) {
  const headers = { 'x-forwarded-user': uid };
  const reader = new FrameReader(await fetch(`${url}/presence/stream?v=2`, { headers }));
  const [, hello] = await reader.next(2);
  const sid = /"sid":"([^"]+)"/.exec(hello!)![1];
  const answer = await fetch(`${url}/presence/subscribe`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ sid, rooms: { [room]: {} } }),
  });
  expect(answer.status).toBe(200);
  const members = new Set<string>();
  const until = async (done: () => boolean) => {
    while (!done()) {
      const [frame] = await reader.next(1, 25_000);
      if (!frame!.startsWith('event: room')) continue;
      const data = JSON.parse(/^data: (.*)$/m.exec(frame!)![1]!) as {
        users?: [string][];
        join?: [string][];
        leave?: string[];
      };
      if (data.users) members.clear();
      for (const [member] of [...(data.users ?? []), ...(data.join ?? [])]) members.add(member);
      for (const member of data.leave ?? []) members.delete(member);
    }
  };
  return { reader, members, until };
}

describe('rooms on two standalone nodes on Redis', () => {
  it("shows a member on the other node, and lets a killed node's members leave once its heartbeat runs out", async () => {
    const [one, two] = cluster.nodes;
    const viewer = await enter(one!.url, 'bob', 'doc:42');
    await enter(two!.url, 'ada', 'doc:42');
    await viewer.until(() => viewer.members.has('ada') && viewer.members.has('bob'));
    await cluster.kill(1);
    const killed = Date.now();
    await viewer.until(() => !viewer.members.has('ada'));
    // Not at the grace (1 s): only once the node's heartbeat is 15 s old.
    expect(Date.now() - killed).toBeGreaterThan(10_000);
    expect([...viewer.members]).toEqual(['bob']);
    await viewer.reader.cancel();
  }, 40_000);
});
