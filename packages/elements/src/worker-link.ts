import type { LinkFactory } from './hub-client.js';
import type { HubMessage } from './hub-protocol.js';
import { holdTabLock } from './tab-lock.js';

/** The worker's name: tabs share a SharedWorker only by the same script URL and the same name. */
const WORKER_NAME = 'presence-kit';

/** Whether this page can share the SharedWorker: it must be same-origin with the script that starts it. */
export function canUseWorker(): boolean {
  return (
    typeof SharedWorker === 'function' &&
    typeof navigator.locks?.request === 'function' &&
    new URL(import.meta.url).origin === location.origin
  );
}

/**
 * The path through the SharedWorker (`presence-worker.ts`): one per origin and profile,
 * holding the one connection for every tab. The tab holds a lock the worker waits on, so
 * a tab that dies without a word still lets go of what it watched. If the worker cannot
 * start (its file is missing, a policy forbids it), `onFail` picks another path.
 */
export function workerLink(onFail: () => void): LinkFactory {
  return (client) => {
    // Written out in this one form so bundlers (Vite, webpack) emit the worker as its own file.
    const worker = new SharedWorker(new URL('./presence-worker.js', import.meta.url), {
      type: 'module',
      name: WORKER_NAME,
    });
    const lock = holdTabLock();
    let open = true;
    worker.addEventListener('error', () => {
      if (!open) return;
      console.warn(
        'presence-kit: the shared worker (presence-worker.js beside the script) did not start; tabs elect a leader instead.',
      );
      onFail();
    });
    worker.port.addEventListener('message', (event: MessageEvent<HubMessage>) => {
      if (open && event.data.client === client.id) client.receive(event.data.event);
    });
    worker.port.start();
    return {
      lock: lock.name,
      // In order, and only once the lock is held.
      send: (message) => void lock.granted.then(() => open && worker.port.postMessage(message)),
      close: () => {
        if (!open) return;
        worker.port.postMessage({ type: 'detach', client: client.id, endpoint: client.endpoint });
        open = false;
        void lock.granted.then(() => {
          worker.port.close();
          lock.release();
        });
      },
    };
  };
}
