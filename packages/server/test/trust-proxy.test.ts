import { Agent, createServer, get, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveOptions } from '../src/index.js';
import { parseTrustProxy } from '../src/client-key.js';
import { spawnServer, startServer, tempDbPath, type TestServer } from '../../../test/support/index.js';

let server: TestServer | undefined;
let proxy: Server | undefined;
const open: IncomingMessage[] = [];
afterEach(async () => {
  for (const response of open.splice(0)) response.destroy();
  proxy?.closeAllConnections();
  await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)));
  proxy = undefined;
  await server?.close();
  server = undefined;
});

/** A one-hop reverse proxy, as nginx does it: appends the peer's address to X-Forwarded-For and streams the answer. */
function startProxy(target: string): Promise<number> {
  const upstream = new URL(target);
  proxy = createServer((req, res) => {
    const forwarded = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
    const hop = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, 'x-forwarded-for': forwarded },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(hop);
    res.on('close', () => hop.destroy());
  });
  return new Promise((resolve) => proxy!.listen(0, '127.0.0.1', () => resolve((proxy!.address() as AddressInfo).port)));
}

/**
 * Opens a stream from a given loopback address (every 127.x address is this machine) and
 * resolves with its status once the answer starts: for a 200, once the hello arrived.
 */
function openStream(port: number, from: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    get(
      { host: '127.0.0.1', port, path: '/presence/stream?v=2', localAddress: from, headers, agent: false },
      (response) => {
        open.push(response);
        if (response.statusCode !== 200) return resolve(response.statusCode ?? 0);
        let text = '';
        response.on('data', (chunk: Buffer) => {
          text += chunk;
          if (text.includes('event: hello')) resolve(200);
        });
      },
    ).on('error', reject);
  });
}

const clients = Array.from({ length: 40 }, (_, i) => `127.0.0.${10 + i}`);
const count = (statuses: number[]) =>
  statuses.reduce<Record<number, number>>((n, s) => ({ ...n, [s]: (n[s] ?? 0) + 1 }), {});

describe('per-client stream limits behind a reverse proxy', () => {
  it('without trustProxy every client shares the proxy’s address: the 33rd is refused', async () => {
    server = await startServer();
    const port = await startProxy(server.url);
    const statuses = await Promise.all(clients.map((from) => openStream(port, from)));
    expect(count(statuses)).toEqual({ 200: 32, 429: 8 });
  });

  for (const trustProxy of [1, ['127.0.0.1']]) {
    it(`with trustProxy ${JSON.stringify(trustProxy)}, 40 people through one proxy all connect`, async () => {
      server = await startServer({ trustProxy });
      const port = await startProxy(server.url);
      const statuses = await Promise.all(clients.map((from) => openStream(port, from)));
      expect(count(statuses)).toEqual({ 200: 40 });
    });
  }

  it('a client that writes its own X-Forwarded-For is still capped, through the proxy and around it', async () => {
    server = await startServer({ trustProxy: ['127.0.0.1'] });
    const port = await startProxy(server.url);
    const spoof = (i: number) => ({ 'x-forwarded-for': `10.1.${i}.1` });
    const viaProxy = await Promise.all(clients.map((_, i) => openStream(port, '127.0.0.99', spoof(i))));
    expect(count(viaProxy)).toEqual({ 200: 32, 429: 8 });
    for (const response of open.splice(0)) response.destroy();

    const direct = await Promise.all(clients.map((_, i) => openStream(server!.running.port, '127.0.0.98', spoof(i))));
    expect(count(direct)).toEqual({ 200: 32, 429: 8 });
  });

  // Azure's gateways write the client's source port too: each new connection of one browser would be a new client.
  it('counts one client whatever port its proxy writes beside its address (1.2.3.4:5678, [2001:db8::1]:443)', async () => {
    server = await startServer({ trustProxy: 1 });
    for (const written of [(port: number) => `10.2.0.1:${port}`, (port: number) => `[2001:db8::1]:${port}`]) {
      const statuses = await Promise.all(
        clients.map((_, i) =>
          openStream(server!.running.port, '127.0.0.96', { 'x-forwarded-for': written(40000 + i) }),
        ),
      );
      expect(count(statuses)).toEqual({ 200: 32, 429: 8 });
    }
  });
});

describe('a proxy’s pool of keep-alive connections', () => {
  // nginx's upstream keepalive and AWS's load balancers keep an idle connection 60 s: a server
  // that closes it sooner races the proxy's next request on it, and a POST lost in that race
  // (a page's report, a subscribe) is a 502 the proxy does not retry.
  it('keeps an idle upstream connection open past Node’s 5 s, so the next report reuses it', async () => {
    server = await startServer();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const report = () =>
      new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
        const hop = request(`${server!.url}/presence/activity`, { method: 'POST', agent }, (answer) => {
          answer.resume();
          answer.on('end', () => resolve({ status: answer.statusCode ?? 0, reused: hop.reusedSocket }));
        });
        hop.on('error', reject).end();
      });
    try {
      expect(await report()).toEqual({ status: 204, reused: false });
      await new Promise((resolve) => setTimeout(resolve, 7000)); // Node closes an idle one after 5 s (+ 1 s)
      expect(await report()).toEqual({ status: 204, reused: true });
    } finally {
      agent.destroy();
    }
  });
});

describe('configuring trustProxy', () => {
  it('takes a hop count or addresses, from the option or PRESENCE_TRUST_PROXY', () => {
    expect(parseTrustProxy(undefined)).toBe(0);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('10.0.0.2, ::ffff:10.0.0.3,fd00::1')).toEqual(['10.0.0.2', '::ffff:10.0.0.3', 'fd00::1']);
    expect(resolveOptions({ db: ':memory:', trustProxy: ['10.0.0.2'] }).trustProxy).toEqual(['10.0.0.2']);
  });

  it('refuses values that cannot mean what was intended, saying what would', () => {
    expect(() => parseTrustProxy('nginx')).toThrow(
      /PRESENCE_TRUST_PROXY must be the number of proxies .* \(like 1\) or their IP addresses/,
    );
    for (const trustProxy of [-1, 1.5, ['10.0.0.0/8'], [''], 'yes']) {
      expect(() => resolveOptions({ db: ':memory:', trustProxy: trustProxy as never })).toThrow(/`trustProxy` must be/);
    }
  });

  it('the standalone server reads PRESENCE_TRUST_PROXY', async () => {
    const db = tempDbPath();
    const standalone = await spawnServer(db.path, { PRESENCE_TRUST_PROXY: '1' });
    try {
      const port = Number(new URL(standalone.url).port);
      // This test is the one proxy here: one socket address, each client named in the header.
      const statuses = await Promise.all(
        clients.map((from) => openStream(port, '127.0.0.97', { 'x-forwarded-for': from })),
      );
      expect(count(statuses)).toEqual({ 200: 40 });
    } finally {
      for (const response of open.splice(0)) response.destroy();
      standalone.child.kill('SIGTERM');
      await standalone.exited;
      db.cleanup();
    }
  });

  it('a bad PRESENCE_TRUST_PROXY stops the standalone server at start, naming the variable', async () => {
    const db = tempDbPath();
    try {
      await expect(spawnServer(db.path, { PRESENCE_TRUST_PROXY: 'nginx' })).rejects.toThrow(
        /PRESENCE_TRUST_PROXY must be/,
      );
    } finally {
      db.cleanup();
    }
  });
});
