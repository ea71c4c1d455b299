import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, startServer, type TestApp, type TestServer } from '../../../test/support/index.js';

let host: TestApp | undefined;
let server: TestServer | undefined;
afterEach(async () => {
  host?.close();
  host = undefined;
  await server?.close();
  server = undefined;
});

const report = (app: TestApp, headers: Record<string, string> = {}, body?: string) =>
  app.app.request('/presence/activity', { method: 'POST', headers, body });
const lastSeen = (app: TestApp, uid: string) => app.presence.users([uid]).get(uid)?.last_seen ?? null;

describe('POST /presence/activity (the page reports activity)', () => {
  it('answers an empty 204 and counts as the signed-in user’s activity', async () => {
    host = createTestApp();
    const answer = await report(host, { 'x-test-user': 'ada' });
    expect(answer.status).toBe(204);
    expect(await answer.text()).toBe('');
    expect(lastSeen(host, 'ada')).toBe(host.clock.ms);
  });

  it('is throttled like any request: one write per write period', async () => {
    host = createTestApp();
    await report(host, { 'x-test-user': 'ada' });
    const first = host.clock.ms;
    host.clock.advance(10);
    await report(host, { 'x-test-user': 'ada' });
    expect(lastSeen(host, 'ada')).toBe(first);
    host.clock.advance(20);
    await report(host, { 'x-test-user': 'ada' });
    expect(lastSeen(host, 'ada')).toBe(host.clock.ms);
  });

  it('records nothing for a guest, and a body naming another uid is ignored', async () => {
    host = createTestApp();
    const guest = await report(host, { 'content-type': 'application/json' }, JSON.stringify({ uid: 'bob' }));
    expect(guest.status).toBe(204);
    const forged = await report(
      host,
      { 'x-test-user': 'ada', 'content-type': 'application/json' },
      JSON.stringify({ uid: 'bob' }),
    );
    expect(forged.status).toBe(204);
    expect(lastSeen(host, 'bob')).toBeNull();
    expect(lastSeen(host, 'ada')).toBe(host.clock.ms);
  });

  it('refuses other methods with a 405 naming POST', async () => {
    host = createTestApp();
    const answer = await host.app.request('/presence/activity', { headers: { 'x-test-user': 'ada' } });
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('POST');
    expect(await answer.json()).toEqual({
      error: { code: 'method_not_allowed', message: 'GET is not allowed here; use POST.' },
    });
  });

  it('keeps a single-page app’s user online over a real socket while the page reports', async () => {
    server = await startServer();
    const send = () =>
      fetch(`${server!.url}/presence/activity`, { method: 'POST', headers: { 'x-test-user': 'ada' }, keepalive: true });
    expect((await send()).status).toBe(204);
    const status = async () =>
      ((await (await fetch(`${server!.url}/presence/status?uids=ada`)).json()) as { users: Record<string, unknown> })
        .users.ada;
    expect(await status()).toMatchObject({ online: true });
    server.clock.advance(70); // past the window (60 s) but not window + margin
    await send();
    server.clock.advance(70);
    expect(await status()).toMatchObject({ online: true, last_seen: server.clock.ms - 70_000 });
  });
});

describe('the hello', () => {
  it('states the write period a page reports at', async () => {
    host = createTestApp({ writeSeconds: 12 });
    const session = await host.session();
    expect(session.hello.write).toBe(12);
  });
});
