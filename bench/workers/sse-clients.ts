/**
 * A load generator: opens many idle SSE sessions from one loopback source address (the
 * stream, then one subscribe for its uids, as a page does) and notes when each one
 * receives a `presence` frame. Several of these run at once,
 * each from its own 127.0.0.x, so neither file descriptors nor ephemeral ports run out.
 */
import { Agent, get, request as post, type ClientRequest } from 'node:http';
import { clockMs, serveRequests } from '../lib/child.js';

interface Stream {
  request: ClientRequest;
  /** Receipt time of each presence frame since the last `arm`. */
  received: number[];
}

const streams: Stream[] = [];
const agent = new Agent({ keepAlive: false, maxSockets: Infinity });

function subscribe(base: string, sid: string, uids: readonly string[], localAddress: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ sid, add: uids });
    const req = post(
      `${base}/presence/subscribe`,
      { method: 'POST', agent, localAddress, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        if (res.statusCode !== 200) reject(new Error(`subscribe answered ${res.statusCode}`));
        else res.on('end', () => resolve());
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function openOne(base: string, uids: readonly string[], localAddress: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const stream: Stream = { request: undefined as unknown as ClientRequest, received: [] };
    let text = '';
    let subscribed = false;
    let snapshot = false;
    stream.request = get(
      `${base}/presence/stream?v=2`,
      { agent, localAddress, headers: { accept: 'text/event-stream' } },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (!subscribed) {
            text += chunk;
            const sid = /"sid":"([^"]+)"/.exec(text)?.[1];
            if (sid) {
              subscribed = true;
              subscribe(base, sid, uids, localAddress).catch(reject);
            }
          }
          if (!snapshot && chunk.includes('event: snapshot')) {
            snapshot = true;
            resolve(stream);
          }
          if (chunk.includes('event: presence')) stream.received.push(clockMs());
        });
      },
    );
    stream.request.on('error', reject);
  });
}

/** Opens one session per uid list, `concurrency` handshakes at a time so the server's accept backlog never overflows. */
async function open(
  base: string,
  watches: readonly string[][],
  localAddress: string,
  concurrency = 64,
): Promise<number> {
  let next = 0;
  const first = streams.length;
  const runner = async (): Promise<void> => {
    while (next < watches.length) {
      const k = next++;
      // In the order of `watches`, however the handshakes finish: `collect` answers stream by stream.
      streams[first + k] = await openOne(base, watches[k] as string[], localAddress);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, runner));
  return streams.length;
}

serveRequests((request) => {
  switch (request.type) {
    case 'open':
      return open(String(request.base), request.watches as string[][], String(request.localAddress));
    case 'arm':
      for (const s of streams) s.received.length = 0;
      return true;
    case 'collect':
      // One entry per stream: the receipt times of its presence frames.
      return streams.map((s) => s.received);
    case 'close':
      for (const s of streams.splice(0)) s.request.destroy();
      return true;
    default:
      throw new Error(`unknown request ${request.type}`);
  }
});
