/** The `redis` option in full. */
export interface RedisConfig {
  /** `redis://[user:password@]host:port[/db]`, or `rediss://` for TLS. */
  url: string;
  /** Put before every key and channel, so several sites can share one Redis. Default `presence`. */
  prefix?: string;
  /**
   * How long a `last_seen` is kept after the user's last activity; older ones are trimmed, so
   * users who never come back do not hold memory (they then show `offline`). Default 30.
   */
  retainDays?: number;
}

export interface ResolvedRedisConfig {
  url: string;
  prefix: string;
  retainMs: number;
}

export function resolveRedisConfig(option: string | RedisConfig): ResolvedRedisConfig {
  const config = typeof option === 'string' ? { url: option } : option;
  if (!/^rediss?:\/\//.test(config.url)) {
    throw new TypeError(
      `presence-kit: \`redis\` must be a URL like redis://127.0.0.1:6379, not ${JSON.stringify(shownUrl(config.url))}.`,
    );
  }
  const prefix = config.prefix ?? 'presence';
  if (!/^[\w.:-]{1,64}$/.test(prefix))
    throw new TypeError('presence-kit: `redis.prefix` must be 1-64 letters, digits or _ . : -, like "presence".');
  const days = config.retainDays ?? 30;
  if (!(days > 0)) throw new TypeError('presence-kit: `redis.retainDays` must be a number of days above 0, like 30.');
  return { url: config.url, prefix, retainMs: days * 86_400_000 };
}

/** A URL for an error message: without its password. */
export function shownUrl(url: string): string {
  return String(url).replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
