/**
 * Scenario 2 — fan-out latency: 10,000 streams watching one uid, and 10,000 streams
 * watching 10 of 100 uids each. From the write of last_seen (or the moment a user's
 * window runs out) to the frame's arrival at every client, split into the wait for a
 * relay tick and the push itself. Baseline: a bare node:http server writing the same
 * frames to the same streams in one loop.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from './lib/child.js';
import { fmt, isMain, publish, quick, table } from './lib/report.js';
import { summarize, type Summary } from './lib/stats.js';
import { seededRandom } from '../test/support/random.js';
import type { TickStamp } from './workers/sse-server.js';

export interface FanoutOptions {
  connections: number;
  clientProcesses: number;
  rounds: number;
  /** How long to wait for one transition to reach every client. */
  settleMs: number;
}

export interface FanoutRow {
  shape: string;
  transition: string;
  expected: number;
  delivered: number;
  tickWait: Summary;
  push: Summary;
  total: Summary;
  tickMs: number;
  /** Worst time from tick (or loop) start until every frame was written to its socket, server-side. */
  writeOutMs: number;
}

interface Shape {
  name: string;
  /** The uids each stream watches. */
  watch: (i: number) => string[];
  /** The uids that change together in one transition. */
  flipped: string[];
}

function shapes(): Shape[] {
  const rand = seededRandom(2);
  const pool = Array.from({ length: 100 }, (_, i) => String(i));
  return [
    { name: '1 uid, all streams watch it', watch: () => ['0'], flipped: ['0'] },
    {
      name: '10 of 100 uids per stream, all 100 flip',
      watch: () => {
        const picked = new Set<string>();
        while (picked.size < 10) picked.add(pool[Math.floor(rand() * pool.length)] as string);
        return [...picked];
      },
      flipped: pool,
    },
  ];
}

async function withStreams<T>(
  kind: 'bare' | 'presence',
  shape: Shape,
  o: FanoutOptions,
  body: (server: Worker, clients: Worker[]) => Promise<T>,
): Promise<T> {
  const server = new Worker('sse-server.ts');
  const clients = Array.from({ length: o.clientProcesses }, () => new Worker('sse-clients.ts'));
  try {
    const base = await server.call<string>({ type: 'start', kind, users: 1000 });
    const watches = Array.from({ length: o.connections }, (_, i) => shape.watch(i));
    await Promise.all(
      clients.map((client, c) =>
        client.call({
          type: 'open',
          base,
          localAddress: `127.0.0.${2 + c}`,
          watches: watches.filter((_, k) => k % clients.length === c),
        }),
      ),
    );
    const result = await body(server, clients);
    await Promise.all(clients.map((client) => client.call({ type: 'close' })));
    await server.call({ type: 'stop' }).catch(() => undefined);
    await server.exited;
    return result;
  } finally {
    await Promise.all([server, ...clients].map((w) => w.stop()));
  }
}

/** Arms every client, runs the trigger (which returns its start time), waits, and gathers one receipt per stream. */
async function transition(
  clients: Worker[],
  o: FanoutOptions,
  trigger: () => Promise<number>,
): Promise<{ at: number; receipts: number[]; streams: number }> {
  await Promise.all(clients.map((client) => client.call({ type: 'arm' })));
  const at = await trigger();
  await sleep(o.settleMs);
  const perStream = (await Promise.all(clients.map((client) => client.call<number[][]>({ type: 'collect' })))).flat();
  // Exactly one frame per stream is correct; a stream with none (or two) is counted, not hidden.
  const receipts = perStream.filter((times) => times.length === 1).map((times) => times[0] as number);
  return { at, receipts, streams: perStream.length };
}

export async function runFanout(o: FanoutOptions): Promise<{ rows: FanoutRow[]; markdown: string }> {
  const rows: FanoutRow[] = [];
  for (const shape of shapes()) {
    const bare = await withStreams('bare', shape, o, async (server, clients) => {
      const push: number[] = [];
      const writeOut: number[] = [];
      let delivered = 0;
      let expected = 0;
      for (let r = -1; r < o.rounds * 2; r++) {
        const t = await transition(clients, o, () => server.call<number>({ type: 'broadcast', uids: shape.flipped }));
        const [loop] = await server.call<TickStamp[]>({ type: 'ticks' });
        if (r < 0) continue; // warm-up: the first push compiles the write path
        push.push(...t.receipts.map((at) => at - t.at));
        if (loop) writeOut.push(loop.flushed - loop.start);
        delivered += t.receipts.length;
        expected += t.streams;
      }
      return {
        shape: shape.name,
        transition: 'bare node:http loop',
        expected,
        delivered,
        tickWait: summarize([]),
        push: summarize(push),
        total: summarize(push),
        tickMs: 0,
        writeOutMs: Math.max(...writeOut),
      };
    });
    rows.push(bare);
    const kit = await withStreams('presence', shape, o, async (server, clients) => {
      const byKind = new Map<
        string,
        {
          tickWait: number[];
          push: number[];
          total: number[];
          tickMs: number[];
          writeOut: number[];
          delivered: number;
          expected: number;
        }
      >();
      for (let r = -1; r < o.rounds; r++) {
        for (const [name, trigger] of [
          ['online: write → nudged tick', () => server.call<number>({ type: 'touch', uids: shape.flipped })],
          ['offline: window ends → periodic tick', () => server.call<number>({ type: 'expire', seconds: 81 })],
        ] as const) {
          const t = await transition(clients, o, trigger);
          const stamps = await server.call<TickStamp[]>({ type: 'ticks' });
          const tick = stamps.find((s) => s.start >= t.at) ?? stamps[0];
          if (!tick) throw new Error(`no relay tick carried the ${name} transition`);
          if (r < 0) continue; // warm-up round, not counted
          let acc = byKind.get(name);
          if (!acc)
            byKind.set(
              name,
              (acc = { tickWait: [], push: [], total: [], tickMs: [], writeOut: [], delivered: 0, expected: 0 }),
            );
          acc.delivered += t.receipts.length;
          acc.expected += t.streams;
          acc.tickMs.push(tick.end - tick.start);
          acc.writeOut.push(tick.flushed - tick.start);
          for (const at of t.receipts) {
            acc.tickWait.push(tick.start - t.at);
            acc.push.push(at - tick.start);
            acc.total.push(at - t.at);
          }
        }
      }
      return [...byKind].map(([transition, a]): FanoutRow => ({
        shape: shape.name,
        transition,
        expected: a.expected,
        delivered: a.delivered,
        tickWait: summarize(a.tickWait),
        push: summarize(a.push),
        total: summarize(a.total),
        tickMs: Math.max(...a.tickMs),
        writeOutMs: Math.max(...a.writeOut),
      }));
    });
    rows.push(...kit);
  }

  const s = (x: Summary): string => `${fmt.ms(x.p50)} / ${fmt.ms(x.p99)} / ${fmt.ms(x.max)}`;
  const body = rows.map((r) => {
    const bare = rows.find((b) => b.shape === r.shape && b.transition.startsWith('bare')) as FanoutRow;
    return [
      r.shape,
      r.transition,
      `${fmt.n(r.delivered)} / ${fmt.n(r.expected)}`,
      r.transition.startsWith('bare') ? '—' : s(r.tickWait),
      s(r.push),
      s(r.total),
      r.transition.startsWith('bare') ? '—' : fmt.ms(r.tickMs),
      fmt.ms(r.writeOutMs),
      fmt.ratio(r.push.p99 / bare.push.p99),
    ];
  });
  const markdown = [
    `${fmt.n(o.connections)} streams from ${o.clientProcesses} client processes, ${o.rounds} rounds of each transition after one warm-up round; times in ms as p50 / p99 / max over every delivery. Push = tick start → frame parsed by the client; tick = the relay's own synchronous time (diff + build + enqueue of every frame); server write-out = tick start → every frame written to its socket, measured inside the server, i.e. without the load generator's share of the 2 cores.`,
    '',
    table(
      [
        'watch shape',
        'transition',
        'delivered / streams',
        'tick wait',
        'push',
        'total',
        'tick ms (max)',
        'server write-out ms (max)',
        'push p99 vs bare',
      ],
      body,
    ),
  ].join('\n');
  return { rows, markdown };
}

if (isMain(import.meta.url)) {
  const { markdown } = await runFanout({
    connections: quick ? 2000 : 10_000,
    clientProcesses: 4,
    rounds: 3,
    settleMs: 2500,
  });
  publish('2-fanout', markdown);
}
