import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../../test/support/index.js';
import { internalsOf } from '../src/internals.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ maxUids: 50, maxStreamsPerClient: 2 });
});
afterAll(() => server.close());

async function expectError(path: string, status: number, code: string, init?: RequestInit): Promise<string> {
  const response = await fetch(`${server.url}/presence${path}`, init);
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(10);
  return body.error.message;
}

const post = (body: string): RequestInit => ({ method: 'POST', body, headers: { 'content-type': 'application/json' } });

describe('bad input gets a 4xx JSON error naming the problem', () => {
  it('rejects malformed uids, naming the bad one', async () => {
    expect(await expectError('/status?uids=1,%3Cscript%3E', 400, 'invalid_uid')).toContain('<script>');
    await expectError('/status?uids=1,,2', 400, 'invalid_uid');
    await expectError(`/status?uids=${'x'.repeat(65)}`, 400, 'invalid_uid');
  });

  it('rejects more uids than the cap', async () => {
    const many = Array.from({ length: 51 }, (_, i) => i).join(',');
    expect(await expectError(`/status?uids=${many}`, 413, 'too_many_uids')).toContain('at most 50');
    await expectError('/status', 413, 'too_many_uids', post(JSON.stringify({ uids: many.split(',') })));
    await expectError('/subscribe', 413, 'too_many_uids', post(JSON.stringify({ sid: 'x', add: many.split(',') })));
  });

  it('rejects unknown and repeated parameters', async () => {
    expect(await expectError('/stream?v=2&since=5', 400, 'unknown_parameter')).toContain('since');
    await expectError('/roster?x=1', 400, 'unknown_parameter');
    await expectError('/status?uids=1&uids=2', 400, 'unknown_parameter');
    await expectError('/stream?v=2&v=2', 400, 'unknown_parameter');
  });

  it('tells an older client what to update', async () => {
    expect(await expectError('/stream?uids=1,2', 400, 'protocol_mismatch')).toMatch(/update @presence-kit\/elements/);
  });

  it('rejects bodies that are not the documented JSON', async () => {
    await expectError('/status', 400, 'invalid_body', post('{not json'));
    await expectError('/status', 400, 'invalid_body', post('[1,2]'));
    await expectError('/status', 400, 'invalid_body', post('{"ids":[1]}'));
    await expectError('/status', 400, 'unknown_parameter', post('{"uids":[1],"extra":true}'));
    await expectError('/status', 400, 'invalid_uid', post('{"uids":[{"a":1}]}'));
    await expectError(
      '/status',
      413,
      'payload_too_large',
      post(JSON.stringify({ uids: ['1'], pad: 'x'.repeat(100_000) })),
    );
  });

  it('answers wrong methods with 405 and unknown paths with 404', async () => {
    const response = await fetch(`${server.url}/presence/stream?v=2`, { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET');
    await expectError('/roster', 405, 'method_not_allowed', { method: 'PUT' });
    await expectError('/nope', 404, 'not_found');
  });

  it('caps streams per client with 429 and Retry-After', async () => {
    const controllers = [new AbortController(), new AbortController()];
    const held = await Promise.all(
      controllers.map((c) => fetch(`${server.url}/presence/stream?v=2`, { signal: c.signal })),
    );
    expect(held.map((r) => r.status)).toEqual([200, 200]);
    const refused = await fetch(`${server.url}/presence/stream?v=2`);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    for (const c of controllers) c.abort();
  });

  it('answers huge headers with a JSON 431 from the HTTP layer, not a dropped socket', async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${server.url}/presence/roster`, { headers: { 'x-huge': 'x'.repeat(40_000) } }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(431);
    expect(JSON.parse(body).error.message).toMatch(/headers are too large/);
  });

  it('answers a HEAD with huge headers 431 with no body, as HTTP requires of any answer to HEAD', async () => {
    const raw = await new Promise<string>((resolve) => {
      const socket = connect(server.running.port, '127.0.0.1', () => {
        socket.write(`HEAD /presence/roster HTTP/1.1\r\nhost: x\r\nx-huge: ${'x'.repeat(40_000)}\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (chunk) => (text += chunk));
      socket.on('close', () => resolve(text));
    });
    const [head, body] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(head).toMatch(/\r\ncontent-type: application\/json\r\n/);
    expect(body).toBe('');
  });

  it('keeps serving correct answers after all of the above', async () => {
    await server.visit('9');
    internalsOf(server.presence).relay.tick();
    const response = await fetch(`${server.url}/presence/status?uids=9,10`);
    expect(await response.json()).toEqual({
      t: server.clock.ms,
      users: { '9': { online: true, last_seen: server.clock.ms }, '10': { online: false, last_seen: null } },
    });
  });
});
