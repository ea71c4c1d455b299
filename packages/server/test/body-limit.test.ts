import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../../test/support/index.js';

// On a real socket the body cap takes two paths: a stated Content-Length is checked before
// anything is read, a chunked body is counted as it is read. Both refuse the same way.

let server: TestServer;
afterEach(() => server?.close());

function post(path: string, body: string, chunked: boolean): Promise<{ status: number; code: string }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/json' };
    if (!chunked) headers['content-length'] = Buffer.byteLength(body);
    const req = request({ hostname, port, path, method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          code: (JSON.parse(text) as { error?: { code: string } }).error?.code ?? 'ok',
        }),
      );
    });
    req.on('error', reject);
    // Written in two pieces so a chunked request really is chunked.
    req.write(body.slice(0, 10));
    req.end(body.slice(10));
  });
}

describe('the body cap on /subscribe and POST /status over a socket', () => {
  for (const chunked of [false, true]) {
    it(`refuses an oversized body with 413 payload_too_large and reads a small one (${chunked ? 'chunked' : 'Content-Length'})`, async () => {
      server = await startServer({ maxUids: 10 });
      const huge = JSON.stringify({ sid: 'x', add: ['1'], pad: 'x'.repeat(10_000) });
      expect(await post('/presence/subscribe', huge, chunked)).toEqual({ status: 413, code: 'payload_too_large' });
      expect(await post('/presence/status', huge, chunked)).toEqual({ status: 413, code: 'payload_too_large' });
      expect(await post('/presence/subscribe', JSON.stringify({ sid: 'x', add: ['1'] }), chunked)).toEqual({
        status: 404,
        code: 'unknown_session',
      });
      expect(await post('/presence/status', JSON.stringify({ uids: ['1'] }), chunked)).toMatchObject({ status: 200 });
    });
  }
});
