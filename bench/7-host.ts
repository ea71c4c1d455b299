/**
 * Scenario 7 — host impact: what a host app's own requests feel while presence works
 * beside them. A host process serves `GET /api/items` behind the activity middleware
 * with 10,000 people online, 10 joining and 10 leaving every second (real clock, real
 * 1 s ticks); the bench process requests the page every 20 ms and the host records its
 * event-loop delay (`monitorEventLoopDelay`). Baseline: the same app without presence.
 * A third run adds one roster stream watching the first 12 (`<online-now max="12">`): its window and the count.
 */
import { get } from 'node:http';
import { Worker } from './lib/child.js';
import { hostRequest as request } from './lib/host-request.js';
import { fmt, isMain, publish, quick, table } from './lib/report.js';
import { summarize, type Summary } from './lib/stats.js';

export interface HostOptions {
  online: number;
  users: number;
  perSecond: number;
  seconds: number;
}

export interface HostRow {
  mode: 'bare' | 'presence' | 'presence + 1 roster stream';
  requests: Summary;
  loop: { p50: number; p99: number; max: number };
  ticks: Summary;
  changesPerSecond: number;
  online: number;
  rosterBytes: number;
}

async function run(mode: HostRow['mode'], o: HostOptions): Promise<HostRow> {
  const host = new Worker('host-server.ts');
  let rosterBytes = 0;
  let stream: ReturnType<typeof get> | undefined;
  try {
    const base = await host.call<string>({ type: 'start', withPresence: mode !== 'bare', ...o });
    if (mode === 'presence + 1 roster stream') {
      // A page's <online-now max="12">: a session, then one subscribe naming its window.
      let subscribed = false;
      stream = get(`${base}/presence/stream?v=2`, { headers: { accept: 'text/event-stream' } }, (res) =>
        res.on('data', (chunk: Buffer) => {
          rosterBytes += chunk.length;
          const sid = subscribed ? undefined : /"sid":"([^"]+)"/.exec(chunk.toString())?.[1];
          if (sid === undefined) return;
          subscribed = true;
          void fetch(`${base}/presence/subscribe`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ sid, roster: { max: 12 } }),
          });
        }),
      );
    }
    // Warm-up requests compile the request path once, so the measured seconds exclude one-time costs.
    for (let i = 0; i < 50; i++) await request(`${base}/api/items`);
    await host.call({ type: 'measure' });
    const latencies: number[] = [];
    const until = performance.now() + o.seconds * 1000;
    while (performance.now() < until) {
      const next = performance.now() + 20;
      latencies.push(await request(`${base}/api/items`));
      await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
    }
    const report = await host.call<{
      p50: number;
      p99: number;
      max: number;
      ticks: { ms: number; changed: number }[];
      online: number;
    }>({ type: 'report' });
    await host.call({ type: 'stop' }).catch(() => undefined);
    return {
      mode,
      requests: summarize(latencies),
      loop: report,
      ticks: summarize(report.ticks.map((t) => t.ms)),
      changesPerSecond: report.ticks.reduce((n, t) => n + t.changed, 0) / o.seconds,
      online: report.online,
      rosterBytes,
    };
  } finally {
    stream?.destroy();
    await host.stop();
  }
}

export async function runHost(o: HostOptions): Promise<{ rows: HostRow[]; markdown: string }> {
  const rows: HostRow[] = [];
  for (const mode of ['bare', 'presence', 'presence + 1 roster stream'] as const) rows.push(await run(mode, o));
  const markdown = [
    `A host process: \`GET /api/items\` behind \`presence.track\`, ${fmt.n(o.online)} online of ${fmt.n(o.users)} users, ${o.perSecond} joins (\`presence.touch\`) and ${o.perSecond} leaves (windows ending) per second, real 1 s ticks, ${o.seconds} s measured; one request every 20 ms from the bench process. Event-loop delay from \`monitorEventLoopDelay\` (1 ms resolution) in the host, ms.`,
    '',
    table(
      [
        'host',
        'online at the end',
        'set changes / s',
        'request ms p50 / p99 / max',
        'event-loop delay ms p50 / p99 / max',
        'relay.tick ms p50 / max (ticks)',
        'roster stream MiB received',
      ],
      rows.map((r) => [
        r.mode,
        r.mode === 'bare' ? '—' : fmt.n(r.online),
        r.mode === 'bare' ? '—' : fmt.n(r.changesPerSecond, 1),
        `${fmt.ms(r.requests.p50)} / ${fmt.ms(r.requests.p99)} / ${fmt.ms(r.requests.max)}`,
        `${fmt.ms(r.loop.p50)} / ${fmt.ms(r.loop.p99)} / ${fmt.ms(r.loop.max)}`,
        r.mode === 'bare' ? '—' : `${fmt.ms(r.ticks.p50)} / ${fmt.ms(r.ticks.max)} (${fmt.n(r.ticks.count)})`,
        r.mode === 'presence + 1 roster stream' ? fmt.n(r.rosterBytes / 2 ** 20, 1) : '—',
      ]),
    ),
  ].join('\n');
  return { rows, markdown };
}

if (isMain(import.meta.url)) {
  const { markdown } = await runHost({
    online: quick ? 1000 : 10_000,
    users: 20_000,
    perSecond: 10,
    seconds: quick ? 5 : 20,
  });
  publish('7-host', markdown);
}
