/// <reference lib="webworker" />
import { HubHost } from './hub-host.js';
import type { ClientMessage, HubMessage } from './hub-protocol.js';

/**
 * The SharedWorker every tab of one origin shares (`worker-link.ts` starts it): it holds
 * the one presence connection per endpoint, for every tab's stores, each over its own port.
 */
declare const self: SharedWorkerGlobalScope;

const host = new HubHost();

self.addEventListener('connect', (event) => {
  const port = event.ports[0];
  if (!port) return;
  const send = (message: HubMessage): void => port.postMessage(message);
  port.addEventListener('message', (message: MessageEvent<ClientMessage>) => host.receive(message.data, send));
  port.start();
});
