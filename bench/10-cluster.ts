/**
 * Scenario 10 — several nodes on Redis vs one node on SQLite, side by side in one run. The
 * same workload on both: `streams` sessions, dealt evenly over the nodes, each watching
 * every uid the rounds will use; each round a new user becomes active with one request to
 * node A, and every watcher on node C (the last node) notes when its `presence` frame
 * arrives. Also: Redis commands per activity and per tick (INFO commandstats, all nodes
 * together), at two numbers of streams, and the CPU each node used.
 */
import { readFileSync } from 'node:fs';
import { get, request, Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { fmt, isMain, publish, quick, table } from './lib/report.js';
import { summarize, type Summary } from './lib/stats.js';
import { seededRandom } from '../test/support/random.js';
import { spawnServer, type ServerProcess } from '../test/support/server.js';
import { startRedis, type TestRedis } from '../test/support/redis.js';
import { tempDbPath } from '../test/support/temp.mjs';

export interface ClusterOptions {
  /** Streams in total, over all nodes. */
  streams: number;
  /** Fewer streams for the ops-per-tick comparison. */
  fewStreams: number;
  rounds: number;
  /** How long the ops-per-tick sample runs. */
  idleSeconds: number;
}

export interface ClusterRow {
  setup: string;
  streams: number;
  latency: Summary;
  delivered: number;
  expected: number;
  opsPerActivity: number | null;
  opsPerTick: { few: number; many: number } | null;
  cpuPerNodePct: number[];
}

const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
const TICK_MS = 1000;

/**
 * A watcher: one session watching `uids`, noting when each uid's first `presence` frame
 * arrives. From its own loopback address, one per 30 streams, as the per-client cap (32) wants.
 */
function watcher(
  base: string,
  uids: string[],
  arrivals: Map<string, number>[],
  localAddress: string,
): Promise<() => void> {
  const arrived = new Map<string, number>();
  arrivals.push(arrived);
  return new Promise((resolve, reject) => {
    let text = '';
    let subscribed = false;
    const req = get(`${base}/presence/stream?v=2`, { agent, localAddress }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const at = performance.now();
        text += chunk;
        const sid = /"sid":"([^"]+)"/.exec(text)?.[1];
        if (!subscribed && sid) {
          subscribed = true;
          const post = request(
            `${base}/presence/subscribe`,
            { method: 'POST', agent, localAddress, headers: { 'content-type': 'application/json' } },
            (answer) => {
              answer.resume();
              if (answer.statusCode !== 200) reject(new Error(`subscribe answered ${answer.statusCode}`));
            },
          );
          post.end(JSON.stringify({ sid, add: uids }));
        }
        if (text.includes('event: snapshot') && subscribed && !arrived.has('')) {
          arrived.set('', at);
          resolve(() => req.destroy());
        }
        for (const [, data] of text.matchAll(/event: presence\nid: \S+\ndata: (.*)\n\n/g)) {
          for (const uid of (JSON.parse(data!) as { on?: string[] }).on ?? [])
            if (!arrived.has(uid)) arrived.set(uid, at);
        }
        // Keep only a frame not complete yet.
        const end = text.lastIndexOf('\n\n');
        if (end >= 0) text = text.slice(end + 2);
      });
    });
    req.on('error', reject);
  });
}

/** CPU time (user + system) a process used so far, in ms, from /proc. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function opsOver(redis: TestRedis, run: () => Promise<void>): Promise<number> {
  await redis.resetStats();
  await run();
  const calls = await redis.commandCalls();
  // The sampling itself (CONFIG, INFO) is not presence's.
  return Object.entries(calls)
    .filter(([name]) => !['config|resetstat', 'info', 'config'].includes(name))
    .reduce((sum, [, n]) => sum + n, 0);
}

async function measure(
  setup: string,
  nodes: ServerProcess[],
  redis: TestRedis | null,
  o: ClusterOptions,
): Promise<ClusterRow> {
  const uids = Array.from({ length: o.rounds }, (_, r) => `active-${r}`);
  const arrivals: Map<string, number>[] = [];
  const closers: (() => void)[] = [];
  const onC: Map<string, number>[] = [];
  for (let i = 0; i < o.streams; i++) {
    const node = nodes[i % nodes.length]!;
    const before = arrivals.length;
    closers.push(
      await watcher(node.url, uids, arrivals, `127.0.${1 + Math.floor(i / 7000)}.${2 + (Math.floor(i / 30) % 250)}`),
    );
    if (node === nodes.at(-1)) onC.push(arrivals[before]!);
  }
  const rand = seededRandom(7);
  const latencies: number[] = [];
  let delivered = 0;
  const cpuBefore = nodes.map((node) => cpuMs(node.child.pid!));
  const started = performance.now();
  let activityOps = 0;
  for (const uid of uids) {
    // A random phase against the tick, as real activity has.
    await sleep(Math.floor(rand() * TICK_MS));
    const send = async () => {
      const at = performance.now();
      await new Promise<void>((resolve, reject) => {
        get(`${nodes[0]!.url}/`, { agent, headers: { 'x-forwarded-user': uid } }, (res) =>
          res.resume().on('end', resolve),
        ).on('error', reject);
      });
      const deadline = performance.now() + 3 * TICK_MS + 2000;
      while (performance.now() < deadline && onC.some((m) => !m.has(uid))) await sleep(5);
      for (const m of onC) {
        const got = m.get(uid);
        if (got !== undefined) {
          latencies.push(got - at);
          delivered++;
        }
      }
    };
    if (redis) activityOps += await opsOver(redis, send);
    else await send();
  }
  const elapsed = performance.now() - started;
  const cpuPerNodePct = nodes.map((node, i) => ((cpuMs(node.child.pid!) - cpuBefore[i]!) / elapsed) * 100);

  let opsPerTick: ClusterRow['opsPerTick'] = null;
  let opsPerActivity: number | null = null;
  if (redis) {
    // Each round's sample holds one activity and the ticks while it travelled: subtract the ticks.
    const idleMany = (await opsOver(redis, () => sleep(o.idleSeconds * 1000))) / o.idleSeconds;
    opsPerActivity = (activityOps - idleMany * (elapsed / 1000)) / o.rounds;
    for (const close of closers.splice(o.fewStreams)) close();
    const idleFew = (await opsOver(redis, () => sleep(o.idleSeconds * 1000))) / o.idleSeconds;
    opsPerTick = { few: idleFew, many: idleMany };
  }
  for (const close of closers) close();
  return {
    setup,
    streams: o.streams,
    latency: summarize(latencies),
    delivered,
    expected: o.rounds * onC.length,
    opsPerActivity,
    opsPerTick,
    cpuPerNodePct,
  };
}

export async function runCluster(o: ClusterOptions): Promise<{ rows: ClusterRow[]; markdown: string }> {
  const rows: ClusterRow[] = [];
  const db = tempDbPath();
  const single = await spawnServer(db.path);
  try {
    rows.push(await measure('1 node, SQLite', [single], null, o));
  } finally {
    single.child.kill('SIGKILL');
    await single.exited;
    db.cleanup();
  }
  const redis = await startRedis();
  const nodes: ServerProcess[] = [];
  try {
    for (let i = 0; i < 3; i++) nodes.push(await spawnServer('unused.db', { PRESENCE_REDIS_URL: redis.url }));
    rows.push(await measure('3 nodes + Redis', nodes, redis, o));
  } finally {
    for (const node of nodes) node.child.kill('SIGKILL');
    await Promise.all(nodes.map((node) => node.exited));
    await redis.stop();
  }
  const markdown = [
    `${fmt.n(o.streams)} streams in total (dealt evenly over the nodes), ${o.rounds} rounds: one request to node A makes a new user active; the latency is from that request to the \`presence\` frame on each watcher on node C (the last node; on SQLite the one node). Tick ${TICK_MS} ms. Redis commands from INFO commandstats, all nodes together; per tick = per second of an idle cluster.`,
    '',
    table(
      [
        'setup',
        'streams',
        'frames on C',
        'p50 ms',
        'p99 ms',
        'max ms',
        'Redis ops / activity',
        `Redis ops / tick (${fmt.n(o.fewStreams)} streams)`,
        `Redis ops / tick (${fmt.n(o.streams)} streams)`,
        'CPU per node',
      ],
      rows.map((r) => [
        r.setup,
        fmt.n(r.streams),
        `${fmt.n(r.delivered)} / ${fmt.n(r.expected)}`,
        fmt.ms(r.latency.p50),
        fmt.ms(r.latency.p99),
        fmt.ms(r.latency.max),
        r.opsPerActivity === null ? '—' : fmt.n(r.opsPerActivity, 1),
        r.opsPerTick === null ? '—' : fmt.n(r.opsPerTick.few, 1),
        r.opsPerTick === null ? '—' : fmt.n(r.opsPerTick.many, 1),
        r.cpuPerNodePct.map((pct) => `${pct.toFixed(1)}%`).join(', '),
      ]),
    ),
  ].join('\n');
  return { rows, markdown };
}

if (isMain(import.meta.url)) {
  const o: ClusterOptions = quick
    ? { streams: 60, fewStreams: 6, rounds: 5, idleSeconds: 3 }
    : { streams: 1500, fewStreams: 15, rounds: 40, idleSeconds: 10 };
  publish('10-cluster', (await runCluster(o)).markdown);
  process.exit(0);
}
