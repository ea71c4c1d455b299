import { normalizeEndpoint, resolveEndpoint } from './config.js';
import { PresenceStore } from './presence-store.js';

/** One store per endpoint per page, so every element and script shares one subscription. */
const stores = new Map<string, PresenceStore>();

if (typeof window !== 'undefined') {
  // Back online: retry at once rather than sitting out the rest of a long backoff.
  window.addEventListener('online', () => {
    for (const store of stores.values()) store.reconnectNow();
  });
}

/**
 * The page's one store for an endpoint (created on first use). Without an argument,
 * the endpoint comes from `<meta name="presence-endpoint">` or `configurePresence()`.
 *
 * ```js
 * const store = getPresenceStore('/presence');
 * const stop = store.watch('7', ({ online, lastSeen }) => console.log(online, lastSeen));
 * ```
 */
export function getPresenceStore(endpoint?: string): PresenceStore {
  const key = endpoint === undefined ? resolveEndpoint(null) : normalizeEndpoint(endpoint);
  if (key === null) {
    throw new Error(
      'presence-kit has no endpoint: pass one to getPresenceStore(), or add <meta name="presence-endpoint" content="/presence"> to the page.',
    );
  }
  let store = stores.get(key);
  if (!store) stores.set(key, (store = new PresenceStore(key)));
  return store;
}
