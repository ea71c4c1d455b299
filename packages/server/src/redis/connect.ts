import { Redis, type RedisOptions } from 'ioredis';
import { reasonOf } from '../fault-log.js';
import { shownUrl } from './redis-config.js';

/** How long one command may take before presence gives up on it (a stalled Redis must not hold anything up). */
export const COMMAND_TIMEOUT_MS = 1000;
/** How long a start waits to reach Redis before failing. */
const CONNECT_TIMEOUT_MS = 3000;

/**
 * Options every presence connection shares. Commands fail at once while disconnected (no
 * offline queue, so memory stays bounded during an outage) and after `COMMAND_TIMEOUT_MS`
 * on a stalled server; the client reconnects by itself, backing off to 2 s.
 */
const OPTIONS: RedisOptions = {
  lazyConnect: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  commandTimeout: COMMAND_TIMEOUT_MS,
  connectTimeout: CONNECT_TIMEOUT_MS,
  retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
};

/** A connection that is not connected yet: commands on it fail (and writes stay queued) until `connect`. */
export function createRedis(url: string, overrides: RedisOptions = {}): Redis {
  return new Redis(url, { ...OPTIONS, ...overrides });
}

/**
 * Connects, or fails with one sentence naming the URL (without its password) and the
 * reason. Later failures are the fault log's: `onError` sees each, and recovery is automatic.
 */
export async function connectRedis(redis: Redis, url: string, onError: (error: unknown) => void): Promise<void> {
  let last: unknown;
  const remember = (error: unknown) => (last = error);
  redis.on('error', remember);
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new Error(
      `presence-kit: cannot reach Redis at ${shownUrl(url)} (${reasonOf(last ?? error)}); start Redis there, or fix the \`redis\` option (PRESENCE_REDIS_URL for the standalone server).`,
    );
  }
  redis.off('error', remember);
  redis.on('error', onError);
}
