import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { describe, expect, it } from 'vitest';
import { Agent, get } from 'node:http';
import { createPresence, servePresence } from '../src/index.js';
import { StreamRecorder, tempDbPath } from '../../../test/support/index.js';

describe('shutting down under plain @hono/node-server serve', () => {
  it('presence.close() ends every stream, so server.close() completes at once with EventSources connected', async () => {
    const db = tempDbPath();
    const log: string[] = [];
    const presence = createPresence({ db: db.path, log: (m) => log.push(m) });
    const app = new Hono();
    app.route('/presence', presence.app);
    const server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const streams = [
      new StreamRecorder(`${url}/presence`, { uids: ['1'] }),
      new StreamRecorder(`${url}/presence`, { roster: {} }),
    ];
    try {
      await Promise.all(streams.map((s) => s.waitFor(1)));

      const started = performance.now();
      presence.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const took = performance.now() - started;
      console.log(`server.close() after presence.close() with 2 EventSources connected: ${took.toFixed(0)} ms`);
      expect(took).toBeLessThan(1000);
      // Nobody reconnected into a closed database in the meantime.
      expect(log).toEqual([]);
    } finally {
      for (const s of streams) s.close();
      db.cleanup();
    }
  });
});

describe('shutting down under servePresence', () => {
  it('close() completes at once with an idle keep-alive connection and an EventSource connected', async () => {
    const db = tempDbPath();
    const presence = createPresence({ db: db.path, log: () => {} });
    const app = new Hono();
    app.route('/presence', presence.app);
    app.get('/page', (c) => c.text('a page'));
    const running = await servePresence({ app, presence });
    const agent = new Agent({ keepAlive: true });
    const stream = new StreamRecorder(`${running.url}/presence`, { uids: ['1'] });
    try {
      await stream.waitFor(1);
      // A page request whose socket then stays open, idle, in the agent's pool.
      await new Promise<void>((resolve, reject) =>
        get(`${running.url}/page`, { agent }, (res) => res.resume().on('end', resolve)).on('error', reject),
      );
      expect(agent.freeSockets).not.toEqual({});

      const started = performance.now();
      await running.close();
      expect(performance.now() - started).toBeLessThan(1000);
    } finally {
      stream.close();
      agent.destroy();
      db.cleanup();
    }
  });
});
