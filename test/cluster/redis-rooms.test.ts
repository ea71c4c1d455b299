import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPresence, type Presence } from '../../packages/server/src/index.js';
import { internalsOf } from '../../packages/server/src/internals.js';
import { eventually, FrameReader, settle, startRedis, type TestRedis } from '../support/index.js';

// Nodes in this process, each its own presence on one redis-server, ticking in real time:
// a room's members, state, typing and hooks are the cluster's, whichever node holds the page.
let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());

interface Node {
  presence: Presence;
  app: Hono;
  joins: string[];
  leaves: string[];
}

const nodes: Node[] = [];
afterEach(async () => {
  for (const node of nodes.splice(0)) await node.presence.close();
  await redis.client.flushall();
});

async function startNode(): Promise<Node> {
  const joins: string[] = [];
  const leaves: string[] = [];
  const presence = createPresence({
    redis: redis.url,
    resolveUser: (c) => c.req.header('x-test-user') ?? null,
    tickMs: 100,
    roomGraceSeconds: 1,
    typingSeconds: 2,
    onJoin: (room, uid) => joins.push(`${room} ${uid}`),
    onLeave: (room, uid) => leaves.push(`${room} ${uid}`),
    log: () => {},
  });
  await presence.ready;
  const app = new Hono().route('/presence', presence.app);
  const node = { presence, app, joins, leaves };
  nodes.push(node);
  return node;
}

const post = (node: Node, path: string, body: unknown, as?: string) =>
  node.app.request(`/presence/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(as ? { 'x-test-user': as } : {}) },
    body: JSON.stringify(body),
  });

/** A page on `node` in `room`, as `as` (a guest only watches); its room frames, parsed, in order. */
async function enter(node: Node, room: string, as?: string, via = node) {
  const reader = new FrameReader(
    await node.app.request('/presence/stream?v=2', { headers: as ? { 'x-test-user': as } : {} }),
  );
  const [, hello] = await reader.next(2);
  const sid = /"sid":"([^"]+)"/.exec(hello!)![1];
  const answer = await post(via, 'subscribe', { sid, rooms: { [room]: {} } }, as);
  expect(answer.status).toBe(200);
  const frames: Record<string, unknown>[] = [];
  let members = new Set<string>();
  const read = async () => {
    const [frame] = await reader.next(1, 20_000);
    if (!frame!.startsWith('event: room')) return;
    const data = JSON.parse(/^data: (.*)$/m.exec(frame!)![1]!) as Record<string, unknown>;
    frames.push(data);
    if (data.users) members = new Set((data.users as [string][]).map(([uid]) => uid));
    for (const [uid] of (data.join as [string][] | undefined) ?? []) members.add(uid);
    for (const uid of (data.leave as string[] | undefined) ?? []) members.delete(uid);
  };
  /** Reads room frames until `done` holds over what was read. */
  const until = async (done: () => boolean) => {
    while (!done()) await read();
  };
  await until(() => frames.length > 0);
  return { reader, hello: hello!, frames, members: () => members, until };
}

describe('rooms on the Redis engine', () => {
  it('shows a viewer on one node the members whose pages are on another, their state and typing, and leaves after the grace, with each hook once', async () => {
    const a = await startNode();
    const b = await startNode();
    const viewer = await enter(b, 'doc:42', 'bob');
    expect(viewer.frames[0]).toMatchObject({ room: 'doc:42', me: 'bob' });

    const ada = await enter(a, 'doc:42', 'ada');
    await viewer.until(() => viewer.members().has('ada'));
    expect([...viewer.members()].sort()).toEqual(['ada', 'bob']);
    await ada.until(() => ada.members().has('bob'));
    // Nobody on doc:43 sees them.
    const other = await enter(a, 'doc:43', 'cy');
    await other.until(() => other.members().has('cy'));

    expect((await post(a, 'room-state', { room: 'doc:42', state: { color: '#e91e63' } }, 'ada')).status).toBe(200);
    await viewer.until(() => viewer.frames.some((f) => (f.state as Record<string, unknown>)?.ada !== undefined));
    expect(viewer.frames.at(-1)).toMatchObject({ state: { ada: { color: '#e91e63' } } });

    expect((await post(a, 'room-typing', { room: 'doc:42', typing: true }, 'ada')).status).toBe(200);
    await viewer.until(() =>
      viewer.frames.some((f) => ((f.typing as Record<string, number> | undefined)?.ada ?? 0) > 0),
    );
    expect((await post(a, 'room-typing', { room: 'doc:42', typing: false }, 'ada')).status).toBe(200);
    await viewer.until(() => viewer.frames.some((f) => (f.typing as Record<string, number>)?.ada === 0));

    // The JSON route on the node that holds none of Ada's pages.
    expect(((await (await b.app.request('/presence/rooms/doc:42')).json()) as { count: number }).count).toBe(2);

    expect([...other.members()]).toEqual(['cy']);
    expect(viewer.members().has('cy')).toBe(false);
    await ada.reader.cancel();
    await viewer.until(() => !viewer.members().has('ada'));
    // The hooks run where Redis said the first page came and the last one went: a tick or two later.
    await eventually(() => a.leaves.includes('doc:42 ada'), 'onLeave for Ada on node A');
    await settle(300);
    expect(a.joins.filter((j) => j === 'doc:42 ada')).toHaveLength(1);
    expect(b.joins.filter((j) => j === 'doc:42 ada')).toHaveLength(0);
    expect([...a.leaves, ...b.leaves].filter((j) => j === 'doc:42 ada')).toEqual(['doc:42 ada']);
    expect(b.joins).toEqual(['doc:42 bob']);
  }, 30_000);

  it('keeps one member for one person on two nodes until their last page is gone', async () => {
    const a = await startNode();
    const b = await startNode();
    const viewer = await enter(b, 'doc:7', 'bob');
    const first = await enter(a, 'doc:7', 'ada');
    const second = await enter(b, 'doc:7', 'ada');
    await viewer.until(() => viewer.members().has('ada'));
    await first.reader.cancel();
    // Well past the grace: her page on node B still holds her.
    await settle(2000);
    expect(viewer.members().has('ada')).toBe(true);
    await second.reader.cancel();
    await viewer.until(() => !viewer.members().has('ada'));
    // The last to let her go (B) says she left, once; her first page (on A) said she joined.
    await eventually(() => b.leaves.includes('doc:7 ada'), 'onLeave for Ada on node B');
    await settle(300);
    expect([...a.joins, ...b.joins].filter((j) => j === 'doc:7 ada')).toEqual(['doc:7 ada']);
    expect([...a.leaves, ...b.leaves].filter((j) => j === 'doc:7 ada')).toEqual(['doc:7 ada']);
  }, 30_000);

  it('enters a room for a session held by another node when the subscribe reaches this one', async () => {
    const a = await startNode();
    const b = await startNode();
    const viewer = await enter(a, 'doc:9', 'bob');
    // Ada's stream is on A, her subscribe lands on B (no sticky sessions).
    const ada = await enter(a, 'doc:9', 'ada', b);
    await viewer.until(() => viewer.members().has('ada'));
    // The node holding her session counts her rooms: one more than the cap through B is refused there.
    const sid = /"sid":"([^"]+)"/.exec(ada.hello)![1];
    const rooms = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`extra:${i}`, {}]));
    const refused = await post(b, 'subscribe', { sid, rooms }, 'ada');
    expect(refused.status).toBe(413);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('too_many_rooms');
  }, 30_000);

  it('keeps serving through a Redis restart that loses everything, then shares again, with no leave and no second join', async () => {
    const a = await startNode();
    const b = await startNode();
    const viewer = await enter(b, 'doc:5', 'bob');
    const local = await enter(a, 'doc:5', 'ada');
    await viewer.until(() => viewer.members().has('ada'));
    await local.until(() => local.members().has('bob'));
    await redis.restart(1500);
    // Redis was down: node A still served its own new member to its own viewer.
    const cy = await enter(a, 'doc:5', 'cy');
    await local.until(() => local.members().has('cy'));
    // Back, empty: every node wrote its members again, and changes cross once more.
    await viewer.until(() => viewer.members().has('cy'));
    expect((await post(a, 'room-state', { room: 'doc:5', state: { color: 'teal' } }, 'ada')).status).toBe(200);
    await viewer.until(() => viewer.frames.some((f) => (f.state as Record<string, unknown> | undefined)?.ada));
    expect(viewer.frames.some((f) => (f.leave as string[] | undefined)?.length)).toBe(false);
    expect(local.frames.some((f) => (f.leave as string[] | undefined)?.length)).toBe(false);
    await cy.reader.cancel();
    await viewer.until(() => !viewer.members().has('cy'));
    expect([...a.joins, ...b.joins].sort()).toEqual(['doc:5 ada', 'doc:5 bob', 'doc:5 cy']);
  }, 30_000);

  it("removes a node's members once it goes silent (stopped without a word)", async () => {
    const a = await startNode();
    const b = await startNode();
    const viewer = await enter(b, 'doc:1', 'bob');
    await enter(a, 'doc:1', 'ada');
    await viewer.until(() => viewer.members().has('ada'));
    // As a killed process: its rooms stop ticking and it never says goodbye.
    internalsOf(a.presence).rooms.stop();
    const stopped = Date.now();
    await viewer.until(() => !viewer.members().has('ada'));
    expect(Date.now() - stopped).toBeGreaterThan(10_000);
    // The node that swept its rows ran the host's onLeave for her, once; the silent one never did.
    await eventually(() => b.leaves.includes('doc:1 ada'), 'onLeave for Ada on the surviving node');
    expect(a.leaves).toEqual([]);
    expect(b.leaves).toEqual(['doc:1 ada']);
  }, 40_000);
});
