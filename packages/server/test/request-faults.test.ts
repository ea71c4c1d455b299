import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { settle, startServer, type TestServer } from '../../../test/support/index.js';

let server: TestServer;
afterEach(() => server.close());

/** A client that starts a chunked POST /status and vanishes halfway through its body. */
function abandonUpload(port: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        'POST /presence/status HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n5\r\n{"uid\r\n',
      );
      setTimeout(() => socket.destroy(), 20);
    });
    socket.on('close', () => resolve());
  });
}

describe('faults in requests', () => {
  it('does not log requests the client abandoned: they are not failures', async () => {
    const log: string[] = [];
    server = await startServer({ log: (m) => log.push(m) });
    for (let i = 0; i < 20; i++) await abandonUpload(server.running.port);
    await settle();
    expect(log).toEqual([]);
    // The server is fine afterwards.
    expect((await fetch(`${server.url}/presence/status?uids=1`)).status).toBe(200);
  });

  it('logs a failure that repeats at most once a minute, with how many were held back', async () => {
    const log: string[] = [];
    server = await startServer({
      log: (m) => log.push(m),
      authorize: () => {
        throw new Error('permissions service down');
      },
    });
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push((await fetch(`${server.url}/presence/status?uids=1`)).status);
    expect(statuses).toEqual(Array(10).fill(500));
    expect(log).toEqual([expect.stringContaining('permissions service down')]);
    server.clock.advance(61);
    await fetch(`${server.url}/presence/status?uids=1`);
    expect(log).toHaveLength(2);
    expect(log[1]).toContain('9 more like it since the last report');
  });
});
