/**
 * Scenario 8 — beyond one core: two presence server processes on one SQLite file (one
 * per core), each holding N idle streams opened by several load-generator processes from
 * 127.0.0.2… (so neither file descriptors nor ephemeral ports run out). A user becomes
 * active on one process (`presence.touch`: the write, and that process's nudged tick);
 * the other process learns it from the file at its next periodic tick. Latency = the write
 * → the frame parsed by a client, per delivery, split by same process / other process.
 */
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPresence } from '@presence-kit/server';
import { Worker } from './lib/child.js';
import { fmt, isMain, publish, quick, table } from './lib/report.js';
import { summarize, type Summary } from './lib/stats.js';

export interface ProcessesOptions {
  /** Streams per server process. */
  streamsPerServer: number;
  clientProcesses: number;
  /** Users that become active per round, on one process. */
  flipsPerRound: number;
  /** Rounds per direction (a → b and b → a). */
  rounds: number;
}

export interface ProcessesResult {
  held: [number, number];
  sameProcess: Summary;
  otherProcess: Summary;
  expected: number;
  delivered: number;
  tickMs: number;
  fdLimit: string;
  openedPerSecond: number;
}

const USERS = 1000;
const UIDS_PER_STREAM = 5;
const TICK_MS = 1000;

function streamUids(i: number): string[] {
  return Array.from({ length: UIDS_PER_STREAM }, (_, k) => String((i * 7 + k * 131) % USERS));
}

export async function runProcesses(o: ProcessesOptions): Promise<{ result: ProcessesResult; markdown: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'presence-processes-'));
  const db = join(dir, 'presence.db');
  // Creates the table once, so the two servers do not race to create it.
  createPresence({ db, log: () => {} }).close();
  const servers = [new Worker('sse-server.ts'), new Worker('sse-server.ts')];
  const clients = Array.from({ length: o.clientProcesses }, () => new Worker('sse-clients.ts'));
  try {
    // One after the other, and only the first seeds the users: writers on one file never wait on a lock.
    const bases: string[] = [];
    for (const [s, server] of servers.entries())
      bases.push(await server.call<string>({ type: 'start', kind: 'presence', users: USERS, db, seed: s === 0 }));
    // Stream i of server s is opened by client i % clientProcesses; every client opens server 0's first, then server 1's.
    const started = performance.now();
    const opened: number[][] = clients.map(() => []);
    for (const [s, base] of bases.entries()) {
      await Promise.all(
        clients.map((client, c) => {
          const mine = Array.from({ length: o.streamsPerServer }, (_, i) => i).filter((i) => i % clients.length === c);
          for (const i of mine) opened[c]!.push(s * o.streamsPerServer + i);
          return client.call({
            type: 'open',
            base,
            localAddress: `127.0.0.${2 + c}`,
            watches: mine.map((i) => streamUids(i)),
          });
        }),
      );
    }
    const openedPerSecond = (2 * o.streamsPerServer) / ((performance.now() - started) / 1000);
    const held = (await Promise.all(servers.map((s) => s.call<{ connections: number }>({ type: 'measure' })))).map(
      (m) => m.connections,
    ) as [number, number];

    const same: number[] = [];
    const other: number[] = [];
    let expected = 0;
    let delivered = 0;
    let next = 0;
    for (let round = 0; round < 2 * o.rounds; round++) {
      const writer = round % 2;
      const uids = Array.from({ length: o.flipsPerRound }, () => String(next++ % USERS));
      await Promise.all(clients.map((c) => c.call({ type: 'arm' })));
      const at = await servers[writer]!.call<number>({ type: 'touch', uids });
      // Two ticks: the other process's periodic tick comes within one.
      await new Promise((r) => setTimeout(r, 2 * TICK_MS + 500));
      const received = await Promise.all(clients.map((c) => c.call<number[][]>({ type: 'collect' })));
      const flipped = new Set(uids);
      for (const [c, streams] of received.entries()) {
        for (const [k, times] of streams.entries()) {
          const stream = opened[c]![k]!;
          const server = stream < o.streamsPerServer ? 0 : 1;
          if (!streamUids(stream % o.streamsPerServer).some((uid) => flipped.has(uid))) continue;
          expected++;
          if (times.length === 0) continue;
          delivered++;
          (server === writer ? same : other).push(times[0]! - at);
        }
      }
    }
    await Promise.all(clients.map((c) => c.call({ type: 'close' })));
    const fdLimit = execSync('ulimit -Sn; ulimit -Hn', { shell: '/bin/bash' })
      .toString()
      .trim()
      .split('\n')
      .join(' / ');
    const result: ProcessesResult = {
      held,
      sameProcess: summarize(same),
      otherProcess: summarize(other),
      expected,
      delivered,
      tickMs: TICK_MS,
      fdLimit,
      openedPerSecond,
    };
    const s = (v: Summary) => `${fmt.ms(v.p50)} / ${fmt.ms(v.p99)} / ${fmt.ms(v.max)}`;
    const markdown = [
      `Two presence server processes on one SQLite file (WAL), ${fmt.n(o.streamsPerServer)} idle streams each (${UIDS_PER_STREAM} of ${fmt.n(USERS)} uids per stream), opened by ${o.clientProcesses} client processes from 127.0.0.2-${1 + o.clientProcesses}; open files per process (soft / hard): ${fdLimit}. ${2 * o.rounds} rounds, alternating the process that sees the activity: ${o.flipsPerRound} users come online there (\`presence.touch\`). Latency = write → frame parsed by the client, ms, p50 / p99 / max over every delivery; \`tickMs\` = ${TICK_MS}.`,
      '',
      table(
        [
          'streams held (process a / b)',
          'opened/s (both)',
          'deliveries / expected',
          'same process (nudged tick)',
          'other process (its next periodic tick)',
          'other process p99 vs one tick + 100 ms',
        ],
        [
          [
            `${fmt.n(held[0])} / ${fmt.n(held[1])}`,
            fmt.n(openedPerSecond),
            `${fmt.n(delivered)} / ${fmt.n(expected)}`,
            s(result.sameProcess),
            s(result.otherProcess),
            fmt.ratio(result.otherProcess.p99 / (TICK_MS + 100)),
          ],
        ],
      ),
    ].join('\n');
    return { result, markdown };
  } finally {
    await Promise.all([...servers, ...clients].map((w) => w.call({ type: 'stop' }).catch(() => undefined)));
    await Promise.all([...servers, ...clients].map((w) => w.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  const { markdown } = await runProcesses({
    streamsPerServer: quick ? 1000 : 19_000,
    clientProcesses: 4,
    flipsPerRound: 10,
    rounds: 3,
  });
  publish('8-processes', markdown);
}
