import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, seededRandom, startServer, type TestServer } from '../support/index.js';
import { heapAfterGc } from './memory.js';

/** Reproducible: `FUZZ_SEED=1234 npx vitest run test/reliability/fuzz.test.ts` replays a run. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 1000);

const random = seededRandom(SEED);
const int = (max: number) => Math.floor(random() * max);
const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
const ALPHABET = 'abcXYZ019_.:@-,;&=?/%#+ <>"\'\\{}[]éß漢😀\u0000\u202e';
const junk = (max: number) => Array.from({ length: int(max) }, () => pick([...ALPHABET])).join('');
const uid = () => pick([String(int(1e6)), junk(8), 'x'.repeat(int(80)), '', '-1', 'null', '%2C']);
const uidList = () =>
  Array.from({ length: pick([0, 1, 3, 50, 999, 1000, 1001, 4000]) }, uid).join(pick([',', ',', ';', ' ', ',,']));

function garbageRequest(): { path: string; init: RequestInit } {
  const method = pick(['GET', 'GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']);
  const endpoint = pick([
    'stream',
    'stream',
    'subscribe',
    'subscribe',
    'status',
    'status',
    'status',
    'roster',
    junk(12),
    'stream/extra',
    '',
    '../etc/passwd',
    '%00',
  ]);
  const params = new URLSearchParams();
  for (let i = 0; i < int(4); i++)
    params.append(
      pick(['v', 'uids', 'roster', 'since', 'max', 'offset', junk(6)]),
      pick([uidList(), junk(20), '1', '2', '']),
    );
  const headers: Record<string, string> = { [`x-${int(99)}`]: 'h'.repeat(pick([1, 1, 1, 100, 8_000, 20_000])) };
  if (random() < 0.3)
    headers['content-type'] = pick([
      'application/json',
      'text/plain',
      'multipart/form-data',
      junk(10).replace(/[^\x20-\x7e]/g, ''),
    ]);
  let body: string | undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    body = pick([
      JSON.stringify({ uids: uidList().split(',') }),
      JSON.stringify({
        sid: pick([junk(22), sid]),
        add: uidList().split(','),
        remove: [uid()],
        roster: pick([{}, { max: int(30) - 5 }, null, junk(3)]),
      }),
      JSON.stringify({
        sid,
        known: [uid()],
        since: pick([junk(8), 'x:1', '']),
        roster: { max: 3, known: pick([true, 1]) },
      }),
      JSON.stringify({ uids: int(5) }),
      JSON.stringify([uidList()]),
      JSON.stringify({ uids: [{}], other: true }),
      junk(200),
      'x'.repeat(pick([0, 10, 200_000])),
    ]);
  }
  return {
    path: `/presence/${endpoint}?${params}`,
    init: { method, headers, ...(body === undefined ? {} : { body }) },
  };
}

let server: TestServer;
/** A live session's id, so some garbage reaches the subscription code past the session lookup. */
let sid = '';
let session: AbortController;
beforeAll(async () => {
  server = await startServer({ maxStreamsPerClient: 10_000 });
  await server.visit('1');
  session = new AbortController();
  const stream = await fetch(`${server.url}/presence/stream?v=2`, { signal: session.signal });
  const reader = stream.body!.getReader();
  let text = '';
  while (!/"sid":"([^"]+)"/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
  sid = /"sid":"([^"]+)"/.exec(text)![1]!;
});
afterAll(async () => {
  session.abort();
  await server.close();
});

describe(`fuzzing every endpoint (seed ${SEED})`, () => {
  it('answers generated garbage with 4xx JSON errors, never a 5xx or a crash, with memory flat', async () => {
    const before = heapAfterGc();
    const statuses = new Map<number, number>();
    for (let i = 0; i < REQUESTS; i++) {
      const { path, init } = garbageRequest();
      const response = await fetch(`${server.url}${path}`, init);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const context = `request ${i} of seed ${SEED}: ${init.method} ${path.slice(0, 120)}`;
      expect(response.status, context).toBeLessThan(500);
      if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
        await response.body?.cancel();
      } else if (
        response.status >= 400 &&
        init.method !== 'HEAD' &&
        new URL(response.url).pathname.startsWith('/presence/')
      ) {
        // Paths like `../x` leave the mount and are the host app's to answer; everything under it is ours.
        const text = await response.text();
        let body: { error?: { code?: string; message?: string } } = {};
        try {
          body = JSON.parse(text);
        } catch {
          throw new Error(`${context}: ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
        }
        expect(body.error?.code, context).toEqual(expect.any(String));
        expect(body.error?.message, context).toEqual(expect.any(String));
      } else {
        await response.arrayBuffer();
      }
    }
    for (let i = 0; i < 200; i++)
      await new Promise<void>((resolve) => {
        // Bytes that are not HTTP at all get a JSON 400 from the parser, and the server lives on.
        const socket = connect(server.running.port, '127.0.0.1', () => socket.end(junk(300) + '\r\n\r\n'));
        socket.on('data', (chunk) => expect(chunk.toString()).toMatch(/^HTTP\/1\.1 4\d\d /));
        socket.on('close', () => resolve());
        socket.on('error', () => resolve());
      });

    const health = await fetch(`${server.url}/presence/status?uids=1`);
    expect(await health.json()).toMatchObject({ users: { '1': { last_seen: expect.any(Number) } } });
    await eventually(() => server.presence.stats().streams === 1, 'every stream the fuzzer opened is gone');
    const after = heapAfterGc();
    console.info(
      `fuzz seed ${SEED}: ${REQUESTS} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}; heap ${before.toFixed(1)} → ${after.toFixed(1)} MiB`,
    );
    expect(after - before).toBeLessThan(10);
  }, 120_000);
});
