import { startBalancer, type Balancer } from './balancer.js';
import { startRedis, type TestRedis } from './redis.js';
import { spawnServer, type ServerProcess } from './server.js';

export interface TestCluster {
  redis: TestRedis;
  /** The standalone server processes, in start order (a killed one stays in the list, dead). */
  nodes: ServerProcess[];
  /** Round-robin over the nodes still alive. */
  balancer: Balancer;
  /** Where presence is mounted behind the balancer. */
  base: string;
  /** A page request as `uid` through the balancer: activity on whichever node it lands. */
  visit(uid: string): Promise<number>;
  /** The node id (the prefix of every sid it hands out) of each node, by index. */
  nodeIds(): Promise<string[]>;
  /** SIGKILL one node; the balancer stops sending it requests. */
  kill(index: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Its own redis-server, `size` standalone server processes on it (`PRESENCE_REDIS_URL`, behind
 * one proxy: `PRESENCE_TRUST_PROXY=1`) and a round-robin balancer in front, with no stickiness.
 */
export async function startCluster(size = 3, env: Record<string, string> = {}): Promise<TestCluster> {
  const redis = await startRedis();
  const nodes: ServerProcess[] = [];
  const dead = new Set<ServerProcess>();
  for (let i = 0; i < size; i++)
    nodes.push(await spawnServer('unused.db', { PRESENCE_REDIS_URL: redis.url, PRESENCE_TRUST_PROXY: '1', ...env }));
  const balancer = await startBalancer(() => nodes.filter((node) => !dead.has(node)).map((node) => node.url));
  const ids = new Map<ServerProcess, string>();
  return {
    redis,
    nodes,
    balancer,
    base: `${balancer.url}/presence`,
    visit: async (uid) => (await fetch(`${balancer.url}/`, { headers: { 'x-forwarded-user': uid } })).status,
    async nodeIds() {
      for (const node of nodes) {
        if (ids.has(node) || dead.has(node)) continue;
        const response = await fetch(`${node.url}/presence/stream?v=2`);
        const reader = response.body!.getReader();
        let text = '';
        while (!/"sid":"([^"]+)"/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
        await reader.cancel();
        ids.set(node, /"sid":"([^".]+)\./.exec(text)![1]!);
      }
      return nodes.map((node) => ids.get(node) ?? '');
    },
    async kill(index) {
      const node = nodes[index]!;
      dead.add(node);
      node.child.kill('SIGKILL');
      await node.exited;
    },
    async close() {
      await balancer.close();
      for (const node of nodes) node.child.kill('SIGKILL');
      await Promise.all(nodes.map((node) => node.exited));
      await redis.stop();
    },
  };
}
