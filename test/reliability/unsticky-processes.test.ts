import type { ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { linkDirectory } from '../../packages/server/src/process-link.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startBalancer, spawnServer, StreamRecorder, tempDbPath, type Balancer } from '../support/index.js';

const children: ChildProcess[] = [];
const streams: StreamRecorder[] = [];
let balancer: Balancer | undefined;
afterEach(async () => {
  for (const s of streams.splice(0)) s.close();
  await balancer?.close();
  balancer = undefined;
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

describe('several processes on one SQLite file behind a balancer with no stickiness', () => {
  it("answer a subscribe that lands on another process than its stream's, and say a dead process's session ended", async () => {
    const file = tempDbPath();
    const servers = await Promise.all([
      spawnServer(file.path, { PRESENCE_TRUST_PROXY: '1' }),
      spawnServer(file.path, { PRESENCE_TRUST_PROXY: '1' }),
    ]);
    children.push(...servers.map((s) => s.child));
    const alive = new Set(servers.map((s) => s.url));
    balancer = await startBalancer(() => servers.map((s) => s.url).filter((url) => alive.has(url)));

    // Round robin: the stream on one process, its first subscribe on the other.
    const page = new StreamRecorder(`${balancer.url}/presence`, { uids: ['ada'], roster: {} });
    streams.push(page);
    await page.waitFor(2);
    expect(page.refusals).toEqual([]);
    expect(page.frames[0]).toMatchObject({ event: 'snapshot', users: { ada: { online: false } } });

    // Every later change lands on each process in turn; all are applied to the one session.
    for (const change of [{ add: ['bob'] }, { add: ['cyd'] }, { remove: ['bob'] }, { add: ['dan'] }])
      expect(await page.subscribe(change)).toBe(200);
    await fetch(`${balancer.url}/`, { headers: { 'x-forwarded-user': 'cyd' } });
    await fetch(`${balancer.url}/`, { headers: { 'x-forwarded-user': 'bob' } });
    await page.waitFor(4);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // Cyd, whom the page watches, came online; Bob, removed, is not in any presence frame.
    const presence = page.of('presence').map((f) => Object.keys(f.users ?? {}));
    expect(presence).toEqual([['cyd']]);

    // The process holding the stream is killed (its socket file left behind): the other says the session ended.
    const nodeOf = async (url: string) => {
      const probe = new StreamRecorder(`${url}/presence`, { uids: ['ada'] });
      streams.push(probe);
      await probe.waitFor(1);
      return probe.hellos[0]!.sid.split('.')[0];
    };
    const sid = page.hellos.at(-1)!.sid;
    const holder = servers[(await nodeOf(servers[0]!.url)) === sid.split('.')[0] ? 0 : 1]!;
    for (const s of streams.splice(0)) s.close();
    alive.delete(holder.url);
    holder.child.kill('SIGKILL');
    await holder.exited;
    const answer = await fetch(`${balancer.url}/presence/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sid, add: ['eve'] }),
    });
    expect(answer.status).toBe(404);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('unknown_session');

    // Finding it refused, the survivor removed the socket the killed process left; one starting later
    // removes those nobody asked for.
    const sockets = () => readdirSync(linkDirectory(file.path));
    const survivor = servers.find((s) => s !== holder)!;
    const survivorNode = await nodeOf(survivor.url);
    expect(sockets()).toEqual([`${survivorNode}.sock`]);
    for (const s of streams.splice(0)) s.close();
    survivor.child.kill('SIGKILL');
    await survivor.exited;
    const next = await spawnServer(file.path);
    children.push(next.child);
    const nextNode = await nodeOf(next.url);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sockets()).toEqual([`${nextNode}.sock`]);
  }, 20_000);
});
