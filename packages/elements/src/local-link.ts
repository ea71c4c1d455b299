import type { LinkFactory } from './hub-client.js';
import { HubHost } from './hub-host.js';
import type { HubMessage } from './hub-protocol.js';
import type { RetryOptions } from './transport.js';

/**
 * The hub in this very tab: the per-tab path (no SharedWorker, no Web Locks), and the
 * leader tab's own stores. Events are delivered a microtask later, as they would be over a port.
 */
export function localLink(host: HubHost): LinkFactory {
  return (client) => {
    let open = true;
    const deliver = (message: HubMessage): void =>
      queueMicrotask(() => {
        if (open && message.client === client.id) client.receive(message.event);
      });
    return {
      lock: null,
      send: (message) => open && host.receive(message, deliver),
      close: () => {
        if (!open) return;
        host.receive({ type: 'detach', client: client.id, endpoint: client.endpoint }, deliver);
        open = false;
      },
    };
  };
}

/** A tab's own connection: one hub per store, as before there was anything to share. */
export function tabLink(options: RetryOptions): LinkFactory {
  return localLink(new HubHost(options));
}
