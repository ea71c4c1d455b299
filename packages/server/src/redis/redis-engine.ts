import { randomBytes } from 'node:crypto';
import type { PresenceWindow, Uid } from '@presence-kit/core';
import type { ForwardedRooms, PresenceEngine } from '../engine.js';
import { reasonOf, type FaultLog } from '../fault-log.js';
import { KIT_TABLE, type StoredUser } from '../last-seen-store.js';
import { OpenPages } from '../open-pages.js';
import type { Relay } from '../relay.js';
import { applyForwarded } from '../forwarded-change.js';
import { ClusterMirror } from './cluster-mirror.js';
import { ClusterNode } from './cluster-node.js';
import { COMMAND_TIMEOUT_MS, connectRedis, createRedis } from './connect.js';
import { Forwarder } from './forward.js';
import { redisKeys } from './keys.js';
import { resolveRedisConfig, type RedisConfig } from './redis-config.js';
import { RedisRoomStore } from './redis-room-store.js';
import { RedisWrites } from './redis-writes.js';
import { defineScripts } from './scripts.js';
import { UserCache } from './user-cache.js';

export interface RedisEngineOptions {
  redis: string | RedisConfig;
  window: PresenceWindow;
  now: () => number;
  monotonic: () => number;
  writeSeconds: number;
  tickMs: number;
  /** Bound of each in-memory queue and cache (the throttle's bound). */
  maxEntries: number;
  maxUids: number;
  faults: FaultLog;
  /** Idle on: the threshold, else null. */
  idleSeconds: number | null;
}

/**
 * N nodes as one presence server: activity is written to Redis from an in-memory queue,
 * one node (the lease holder) computes the online set and publishes its changes, numbered,
 * and every node applies them to its own sessions (see docs/ARCHITECTURE.md, "Several nodes").
 * Nothing on a host's request path waits on Redis.
 */
export function createRedisEngine(o: RedisEngineOptions): PresenceEngine {
  const config = resolveRedisConfig(o.redis);
  const keys = redisKeys(config.prefix);
  // No dot in base64url: the first dot of a sid ends its node's id.
  const node = randomBytes(6).toString('base64url');
  const redis = defineScripts(createRedis(config.url));
  const blocking = createRedis(config.url, { commandTimeout: 2000 + COMMAND_TIMEOUT_MS });
  const subscriber = createRedis(config.url, { commandTimeout: undefined });
  const onError = () => {
    // Connection errors show as failed commands, logged once per episode by what runs them.
  };
  const mirror = new ClusterMirror('');
  const writes = new RedisWrites(
    redis,
    keys,
    o.maxEntries,
    o.faults,
    o.now,
    (uid) => mirror.has(uid) && !mirror.get(uid)!.idle,
  );
  const pages = new OpenPages({
    write: writes.pages,
    writeSeconds: o.writeSeconds,
    marginSeconds: o.window.marginSeconds,
    now: o.now,
    monotonic: o.monotonic,
    faults: o.faults,
  });
  // Every node writes its own pages; the leader reads everyone's.
  const sweep = setInterval(() => pages.sweep(), o.tickMs);
  sweep.unref?.();
  const cache = new UserCache(Math.min(o.maxEntries, 100_000));
  const cluster = new ClusterNode({ ...o, redis, blocking, keys, node, mirror, retainMs: config.retainMs });
  const rooms = new RedisRoomStore(redis, keys, node, o.faults);
  let relay: Relay | undefined;
  let forwardedRooms: ForwardedRooms | undefined;
  const engine: PresenceEngine = {
    kind: 'redis',
    writes,
    pages,
    online: mirror,
    mapping: KIT_TABLE,
    sidPrefix: `${node}.`,
    ready: Promise.resolve(),
    rooms,
    async users(uids) {
      if (uids.length === 0) return new Map();
      try {
        const replies = await redis
          .multi()
          .zmscore(keys.seen, ...uids)
          .smismember(keys.hidden, ...uids)
          .hmget(keys.profiles, ...uids)
          .exec();
        const [[, scores], [, hidden], [, profiles]] = replies as [
          [null, (string | null)[]],
          [null, number[]],
          [null, (string | null)[]],
        ];
        o.faults.succeeded('reading from Redis');
        const found = new Map<Uid, StoredUser>();
        uids.forEach((uid, i) => {
          const profile = profiles[i]
            ? (JSON.parse(profiles[i]) as { name: string | null; avatar: string | null })
            : null;
          if (scores[i] === null && !profile && hidden[i] !== 1) return cache.forget(uid);
          const user = {
            uid,
            name: profile?.name ?? uid,
            avatar: profile?.avatar ?? null,
            lastSeen: scores[i] === null ? null : Number(scores[i]),
            hidden: hidden[i] === 1,
          };
          cache.set(user);
          found.set(uid, user);
        });
        return found;
      } catch (error) {
        // Redis down or stalled: the last values read here, and the online set as last published.
        o.faults.failed('reading from Redis', error);
        return cache.lookup(uids, mirror);
      }
    },
    upsertUser: (profile) => writes.upsertUser(profile),
    setHidden: (uid, hidden) => writes.setHidden(uid, hidden),
    forward: (change) => forwarder.forward(change),
    attach(r, rooms) {
      relay = r;
      forwardedRooms = rooms;
      // Until the cluster's numbering is loaded, the relay's own (which nobody can resume from).
      mirror.epoch = r.log.epoch;
    },
    async close() {
      clearInterval(sweep);
      pages.close();
      writes.close();
      forwarder.close();
      await writes.flush();
      await rooms.settled();
      await cluster.close();
      redis.disconnect();
    },
  };
  const forwarder = new Forwarder(
    redis,
    subscriber,
    keys,
    node,
    o.faults,
    (change) => applyForwarded(relay!, engine, forwardedRooms, change, { maxUids: o.maxUids, now: o.now }),
    () => cluster.nudge(),
  );
  const ready = (async () => {
    await Promise.all([redis, blocking, subscriber].map((connection) => connectRedis(connection, config.url, onError)));
    await forwarder.start();
    await cluster.start(relay!);
  })();
  ready.catch(async (error: unknown) => {
    // Said once here, so a host that does not await `ready` still learns why nothing works.
    o.faults.log(reasonOf(error));
    await engine.close();
  });
  return Object.assign(engine, { ready });
}
