import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:https';
import { connect, type ClientHttp2Session } from 'node:http2';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servePresence, type RunningServer } from '../src/index.js';
import {
  eventually,
  createTestHost,
  FakeClock,
  tempDbPath,
  tempDir,
  type TempPath,
} from '../../../test/support/index.js';
import { internalsOf } from '../src/internals.js';
import type { Presence } from '../src/index.js';

// servePresence with `tls`: HTTP/2, where every stream and request of a browser share one
// connection, and HTTP/1.1 for clients that do not speak it. The certificate is made here.

let dir: TempPath;
let db: TempPath;
let cert: Buffer;
let presence: Presence;
let running: RunningServer;
const clock = new FakeClock();

beforeAll(async () => {
  dir = tempDir();
  const [key, crt] = [join(dir.path, 'key.pem'), join(dir.path, 'cert.pem')];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      crt,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  cert = readFileSync(crt);
  db = tempDbPath();
  const host = createTestHost({}, clock, db.path);
  presence = host.presence;
  const app = host.app;
  running = await servePresence({ app, presence, tls: { key: readFileSync(key), cert } });
});
afterAll(async () => {
  await running.close();
  db.cleanup();
  dir.cleanup();
});

/** One HTTP/2 request on `session`; resolves with its status and the body read so far once `until` matches it (or it ends). */
function request(
  session: ClientHttp2Session,
  path: string,
  init: { method?: string; body?: string; until?: RegExp } = {},
) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const stream = session.request({
      ':path': path,
      ':method': init.method ?? 'GET',
      'content-type': 'application/json',
      'x-test-user': 'viewer',
    });
    let status = 0;
    let text = '';
    stream.setEncoding('utf8');
    stream.on('response', (headers) => (status = Number(headers[':status'])));
    stream.on('data', (chunk: string) => {
      text += chunk;
      if (init.until?.test(text)) resolve({ status, text });
    });
    stream.on('end', () => resolve({ status, text }));
    stream.on('error', reject);
    stream.end(init.body);
  });
}

describe('servePresence over TLS', () => {
  it('serves the session protocol over HTTP/2: stream, subscribe and pages share one connection', async () => {
    expect(running.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const session = connect(running.url, { ca: cert });
    try {
      const frames: string[] = [];
      const stream = session.request({ ':path': '/presence/stream?v=2' });
      stream.setEncoding('utf8');
      const status = new Promise<number>((resolve) =>
        stream.on('response', (headers) => resolve(Number(headers[':status']))),
      );
      stream.on('data', (chunk: string) => frames.push(...chunk.split(/(?<=\n\n)/)));
      await eventually(() => frames.some((f) => f.startsWith('event: hello')), 'the hello arrives');
      expect(await status).toBe(200);
      const sid = /"sid":"([^"]+)"/.exec(frames.join(''))![1]!;

      const answer = await request(session, '/presence/subscribe', {
        method: 'POST',
        body: JSON.stringify({ sid, add: ['ada'] }),
      });
      expect(answer).toEqual({ status: 200, text: JSON.stringify({ t: clock.ms, watching: 1 }) });
      await eventually(() => frames.some((f) => f.startsWith('event: snapshot')), 'the snapshot arrives');
      expect(frames.find((f) => f.startsWith('event: snapshot'))).toMatch(/data: \{"t":\d+,"never":\["ada"\]\}/);

      // Seven more requests at once, with the stream still open: no connection limit applies.
      const pages = await Promise.all(Array.from({ length: 7 }, () => request(session, '/page')));
      expect(pages.map((p) => p.status)).toEqual(Array(7).fill(200));
      const ada = session.request({ ':path': '/page', 'x-test-user': 'ada' });
      ada.resume();
      await new Promise((resolve) => ada.on('end', resolve));
      internalsOf(presence).relay.tick();
      await eventually(() => frames.some((f) => f.startsWith('event: presence')), 'the flip arrives');
      expect(frames.find((f) => f.startsWith('event: presence'))).toMatch(/data: \{"t":\d+,"on":\["ada"\]\}/);
      expect(presence.stats().streams).toBe(1);
    } finally {
      session.close();
    }
  });

  it('still speaks HTTP/1.1 to clients without HTTP/2', async () => {
    const { status, text, version } = await new Promise<{ status: number; text: string; version: string }>(
      (resolve, reject) => {
        get(`${running.url}/presence/stream?v=2`, { ca: cert }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
            if (text.includes('event: hello')) {
              resolve({ status: res.statusCode ?? 0, text, version: res.httpVersion });
              res.destroy();
            }
          });
        }).on('error', reject);
      },
    );
    expect({ status, version }).toEqual({ status: 200, version: '1.1' });
    expect(text).toMatch(/^retry: 2000\n\nevent: hello\ndata: \{"v":2,/);
  });
});
