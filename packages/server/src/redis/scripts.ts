import type { Redis } from 'ioredis';

/**
 * The Lua scripts the cluster runs, each atomic in Redis. ioredis sends them by SHA and
 * reloads them when Redis lost its script cache (a restart).
 */
const SCRIPTS = {
  /** KEYS leader, state; ARGV node, ttl ms → {role (0 follower, 1 renewed, 2 acquired), epoch, seq}. */
  presenceLease: {
    numberOfKeys: 2,
    lua: `
local held = redis.call('GET', KEYS[1])
local role = 0
if held == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  role = 1
elseif not held then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  role = 2
end
local state = redis.call('HMGET', KEYS[2], 'epoch', 'seq')
return {role, state[1], state[2]}`,
  },
  /**
   * KEYS seen, changed, hidden, profiles; ARGV read from, trim seen below, trim changed below →
   * {uids, last_seen per uid, hidden per uid, profile per uid}: the rows written since the
   * previous read and the users whose flag or profile changed, trimming what is stale.
   */
  presenceRead: {
    numberOfKeys: 4,
    lua: `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[3])
local seen = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf', 'WITHSCORES')
local changed = redis.call('ZRANGEBYSCORE', KEYS[2], ARGV[1], '+inf')
local uids, scores = {}, {}
for i = 1, #seen, 2 do
  uids[#uids + 1] = seen[i]
  scores[#scores + 1] = seen[i + 1]
end
local function each(command, key, list, from)
  local out = {}
  -- unpack has a stack limit: a first read after a failover may name many users.
  for i = from, #list, 1000 do
    local part = redis.call(command, key, unpack(list, i, math.min(i + 999, #list)))
    for j = 1, #part do out[#out + 1] = part[j] end
  end
  return out
end
if #changed > 0 then
  local more = each('ZMSCORE', KEYS[1], changed, 1)
  for i = 1, #changed do
    uids[#uids + 1] = changed[i]
    scores[#scores + 1] = more[i]
  end
end
if #uids == 0 then return {{}, {}, {}, {}} end
return {uids, scores, each('SMISMEMBER', KEYS[3], uids, 1), each('HMGET', KEYS[4], uids, 1)}`,
  },
  /**
   * KEYS leader, state, online, changes; ARGV node, epoch, previous seq, seq, stream cap,
   * message, count of entries to put, then uid/entry pairs, then uids to delete → 1 published,
   * 0 not the leader, -1 another numbering moved on (a second leader: step down), -2 the
   * state is gone (Redis lost its data: reseed).
   */
  presencePublish: {
    numberOfKeys: 4,
    lua: `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local state = redis.call('HMGET', KEYS[2], 'epoch', 'seq')
if not state[1] then return -2 end
if state[1] ~= ARGV[2] or state[2] ~= ARGV[3] then return -1 end
redis.call('HSET', KEYS[2], 'seq', ARGV[4])
local puts = tonumber(ARGV[7])
for i = 0, puts - 1 do redis.call('HSET', KEYS[3], ARGV[8 + 2 * i], ARGV[9 + 2 * i]) end
for i = 8 + 2 * puts, #ARGV do redis.call('HDEL', KEYS[3], ARGV[i]) end
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[5], ARGV[4] .. '-1', 'm', ARGV[6])
return 1`,
  },
  /**
   * KEYS leader, state, online, changes; ARGV node, epoch, seq, then uid/entry pairs → 1
   * restored, 0 not the leader, -1 the state exists. Redis lost its data: the leader writes
   * back the set it shows and its numbering, so resume positions stay valid.
   */
  presenceReseed: {
    numberOfKeys: 4,
    lua: `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
redis.call('DEL', KEYS[3], KEYS[4])
redis.call('HSET', KEYS[2], 'epoch', ARGV[2], 'seq', ARGV[3])
for i = 4, #ARGV, 2 do redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1]) end
return 1`,
  },
  /**
   * KEYS pages, pagesChanged; ARGV node, keep ms, then uid/until pairs → 1: one node's open pages
   * of these users, merged with the other nodes' (entries older than keep ms dropped), stamped
   * with Redis's own clock so the leader's read band never depends on how far apart nodes' clocks are.
   */
  presencePagesWrite: {
    numberOfKeys: 2,
    lua: `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local node, keep = ARGV[1], tonumber(ARGV[2])
for i = 3, #ARGV, 2 do
  local raw = redis.call('HGET', KEYS[1], ARGV[i])
  local rows = raw and cjson.decode(raw) or {}
  rows[node] = tonumber(ARGV[i + 1])
  local kept = {}
  for n, u in pairs(rows) do if u >= now - keep then kept[n] = u end end
  redis.call('HSET', KEYS[1], ARGV[i], cjson.encode(kept))
  redis.call('ZADD', KEYS[2], now, ARGV[i])
end
return 1`,
  },
  /**
   * KEYS pages, pagesChanged; ARGV read from (Redis time, or -inf), keep ms → {uids, latest until
   * per uid, Redis's time}: the users whose pages changed since the previous read, trimming
   * users whose pages were last written more than keep ms ago.
   */
  presencePagesRead: {
    numberOfKeys: 2,
    lua: `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local below = '(' .. string.format('%d', now - tonumber(ARGV[2]))
local stale = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', below)
for i = 1, #stale, 1000 do redis.call('HDEL', KEYS[1], unpack(stale, i, math.min(i + 999, #stale))) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', below)
local uids = redis.call('ZRANGEBYSCORE', KEYS[2], ARGV[1], '+inf')
local untils = {}
for i = 1, #uids do
  local latest = 0
  local raw = redis.call('HGET', KEYS[1], uids[i])
  if raw then for _, u in pairs(cjson.decode(raw)) do if u > latest then latest = u end end end
  untils[i] = string.format('%d', latest)
end
return {uids, untils, string.format('%d', now)}`,
  },
  /** KEYS leader; ARGV node: gives the lease up on a clean stop, so another node leads at its next tick. */
  presenceRelease: {
    numberOfKeys: 1,
    lua: `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`,
  },
} as const;

type Reply = unknown;
export interface ScriptedRedis extends Redis {
  presenceLease(
    leader: string,
    state: string,
    node: string,
    ttlMs: number,
  ): Promise<[number, string | null, string | null]>;
  presenceRead(
    seen: string,
    changed: string,
    hidden: string,
    profiles: string,
    from: number,
    trimSeen: number,
    trimChanged: number,
  ): Promise<[string[], (string | null)[], number[], (string | null)[]]>;
  presencePublish(
    leader: string,
    state: string,
    online: string,
    changes: string,
    ...args: (string | number)[]
  ): Promise<number>;
  presenceReseed(
    leader: string,
    state: string,
    online: string,
    changes: string,
    ...args: (string | number)[]
  ): Promise<number>;
  presenceRelease(leader: string, node: string): Promise<Reply>;
  presencePagesWrite(pages: string, changed: string, ...args: (string | number)[]): Promise<number>;
  presencePagesRead(
    pages: string,
    changed: string,
    from: number | '-inf',
    keepMs: number,
  ): Promise<[string[], string[], string]>;
}

export function defineScripts(redis: Redis): ScriptedRedis {
  for (const [name, { numberOfKeys, lua }] of Object.entries(SCRIPTS)) redis.defineCommand(name, { numberOfKeys, lua });
  return redis as ScriptedRedis;
}
