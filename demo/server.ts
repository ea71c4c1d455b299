import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { servePresence } from '@presence-kit/server';
import { createDemo } from './src/app.js';

/**
 * The demo: presence-kit on its own Hono server and an embedded SQLite file.
 *   PORT (5173; 0 = any free port), HOST (127.0.0.1), PRESENCE_DB (.data/demo.db),
 *   PRESENCE_TIMEOUT_SECONDS (60), PRESENCE_ONLINE_MARGIN_SECONDS (20), PRESENCE_IDLE_SECONDS (unset: idle off),
 *   DEMO_CROWD (1; 0 starts with the simulated crowd off).
 */
const env = process.env;
const db = env.PRESENCE_DB ?? '.data/demo.db';
if (db !== ':memory:') mkdirSync(dirname(db), { recursive: true });

const demo = createDemo({
  db,
  clientDir: fileURLToPath(new URL('./dist/client', import.meta.url)),
  crowd: env.DEMO_CROWD !== '0',
  // createPresence refuses a value that is not a number of seconds above 0, saying so.
  ...(env.PRESENCE_IDLE_SECONDS ? { idleSeconds: Number(env.PRESENCE_IDLE_SECONDS) } : {}),
});
const running = await servePresence({
  app: demo.app,
  presence: demo.presence,
  port: Number(env.PORT ?? 5173),
  hostname: env.HOST ?? '127.0.0.1',
});
await demo.listening(running.url);

const w = demo.presence.window;
console.log(`presence-kit demo: ${running.url}/`);
console.log(
  `  db ${db} · online window ${w.timeoutSeconds}s + margin ${w.marginSeconds}s · idle ${demo.presence.options.idleSeconds === null ? 'off' : `after ${demo.presence.options.idleSeconds}s`} · crowd ${env.DEMO_CROWD === '0' ? 'off' : 'on'} · Ctrl+C to stop`,
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    demo.stop();
    void running.close().then(() => process.exit(0));
  });
}
