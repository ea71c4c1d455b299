/**
 * Scenario 1 — connections: one server process holding N idle SSE subscribers, next to a
 * bare node:http SSE server holding the same N in the same run. Memory is read inside
 * each server process after a forced GC; per-connection = growth / connections added.
 */
import { Worker } from './lib/child.js';
import { fmt, isMain, publish, quick, table } from './lib/report.js';

export interface ConnectionsOptions {
  counts: readonly number[];
  clientProcesses: number;
  /** Uids each subscriber watches (a small page of dots). */
  uidsPerStream: number;
  warmup: number;
  /**
   * Streams opened and closed again before the warm-up ones, so code compiled for the request
   * path (a one-time cost of any long-running server) is not counted per stream. Default 0.
   */
  churn?: number;
}

interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  connections: number;
  fds: number;
  /** CPU time the server process had used (user + system, µs) before the measurement's forced GCs, and after them. */
  cpuStart: number;
  cpuEnd: number;
}

export interface ConnectionsRow {
  server: 'bare' | 'presence';
  n: number;
  connections: number;
  rssPerConnection: number;
  heapPerConnection: number;
  externalPerConnection: number;
  rss: number;
  fds: number;
  /** Streams opened for this row (beyond the previous row's) and the wall time it took. */
  openedHere: number;
  openSeconds: number;
  /** The server process's CPU time per stream opened for this row (µs): its share of the two cores, whatever the load generators take. */
  cpuPerOpening: number;
}

const USERS = 1000;

function watched(i: number, uidsPerStream: number): string[] {
  return Array.from({ length: uidsPerStream }, (_, k) => String((i * 7 + k * 131) % USERS));
}

async function holdConnections(kind: 'bare' | 'presence', o: ConnectionsOptions): Promise<ConnectionsRow[]> {
  const server = new Worker('sse-server.ts');
  const clients = Array.from({ length: o.clientProcesses }, () => new Worker('sse-clients.ts'));
  try {
    const base = await server.call<string>({ type: 'start', kind, users: USERS });
    let opened = 0;
    const openUpTo = async (total: number): Promise<void> => {
      const watches = Array.from({ length: total - opened }, (_, k) => watched(opened + k, o.uidsPerStream));
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
      opened = total;
    };
    if (o.churn) {
      await openUpTo(o.churn);
      await Promise.all(clients.map((client) => client.call({ type: 'close' })));
      while ((await server.call<Memory>({ type: 'measure' })).connections > 0)
        await new Promise((r) => setTimeout(r, 100));
      opened = 0;
    }
    // Warm-up connections compile the request path once, so the base excludes one-time costs.
    await openUpTo(o.warmup);
    const before = await server.call<Memory>({ type: 'measure' });
    const rows: ConnectionsRow[] = [];
    let previous = before;
    for (const n of o.counts) {
      const openedHere = n - opened;
      const started = performance.now();
      await openUpTo(n);
      const openSeconds = (performance.now() - started) / 1000;
      const after = await server.call<Memory>({ type: 'measure' });
      const cpuPerOpening = (after.cpuStart - previous.cpuEnd) / openedHere;
      previous = after;
      const added = n - o.warmup;
      rows.push({
        server: kind,
        n,
        connections: after.connections,
        rssPerConnection: (after.rss - before.rss) / added,
        heapPerConnection: (after.heapUsed - before.heapUsed) / added,
        externalPerConnection: (after.external - before.external) / added,
        rss: after.rss,
        fds: after.fds,
        openedHere,
        openSeconds,
        cpuPerOpening,
      });
    }
    await Promise.all(clients.map((client) => client.call({ type: 'close' })));
    await server.call({ type: 'stop' }).catch(() => undefined);
    return rows;
  } finally {
    await Promise.all([server, ...clients].map((w) => w.stop()));
  }
}

export async function runConnections(o: ConnectionsOptions): Promise<{ rows: ConnectionsRow[]; markdown: string }> {
  const bare = await holdConnections('bare', o);
  const kit = await holdConnections('presence', o);
  const rows = [...bare, ...kit];
  const body = o.counts.map((n, i) => {
    const b = bare[i] as ConnectionsRow;
    const p = kit[i] as ConnectionsRow;
    return [
      fmt.n(n),
      `${fmt.n(b.connections)} / ${fmt.n(p.connections)}`,
      fmt.kib(b.rssPerConnection),
      fmt.kib(p.rssPerConnection),
      fmt.ratio(p.rssPerConnection / b.rssPerConnection),
      fmt.kib(b.heapPerConnection),
      fmt.kib(p.heapPerConnection),
      fmt.ratio(p.heapPerConnection / b.heapPerConnection),
      `${fmt.n(b.rss / 2 ** 20, 0)} / ${fmt.n(p.rss / 2 ** 20, 0)}`,
      `${fmt.n(b.fds)} / ${fmt.n(p.fds)}`,
      `${fmt.n(b.openedHere / b.openSeconds)} / ${fmt.n(p.openedHere / p.openSeconds)}`,
      `${fmt.n(b.cpuPerOpening)} / ${fmt.n(p.cpuPerOpening)}`,
      fmt.ratio(b.cpuPerOpening / p.cpuPerOpening),
    ];
  });
  const markdown = [
    `Idle SSE subscribers (${o.uidsPerStream} uids each), load from ${o.clientProcesses} processes on 127.0.0.2-${1 + o.clientProcesses}; memory after forced GC, per connection beyond ${o.warmup} warm-up connections${o.churn ? `, opened after ${fmt.n(o.churn)} streams were opened and closed in each server (so code compiled for the request path is not counted per stream)` : ''}. Opened/s: the streams added for that row over the wall time they took (an opening = the stream, then one subscribe and its snapshot); server CPU per opening: the server process's CPU time over those streams, which the load generators sharing the 2 cores do not inflate.`,
    '',
    table(
      [
        'N',
        'held (bare / kit)',
        'RSS/conn bare KiB',
        'RSS/conn kit KiB',
        'RSS ratio',
        'heap/conn bare KiB',
        'heap/conn kit KiB',
        'heap ratio',
        'RSS total MiB (bare / kit)',
        'fds (bare / kit)',
        'opened/s (bare / kit)',
        'server CPU µs / opening (bare / kit)',
        'opening rate by server CPU (kit / bare)',
      ],
      body,
    ),
  ].join('\n');
  return { rows, markdown };
}

if (isMain(import.meta.url)) {
  const { markdown } = await runConnections({
    counts: quick ? [1000] : [1000, 5000, 19_000],
    clientProcesses: 4,
    uidsPerStream: 5,
    warmup: 100,
    churn: 1000,
  });
  publish('1-connections', markdown);
}
