/** Every key and channel presence uses in Redis, under one prefix. */
export interface RedisKeys {
  /** ZSET uid → last_seen (epoch ms): one member per user, overwritten in place, trimmed after `retainDays`. */
  seen: string;
  /** SET of users who hide their status. */
  hidden: string;
  /** HASH uid → `{"name","avatar"}`, for the roster. */
  profiles: string;
  /** ZSET uid → when their hidden flag or profile changed: the leader reads these again (trimmed after a minute). */
  changed: string;
  /** STRING: the node holding the leader lease (SET NX PX, renewed each tick). */
  leader: string;
  /** HASH `epoch`, `seq`: the cluster's numbering of published changes. */
  state: string;
  /** HASH uid → roster entry JSON: the online set as last published, which nodes and new leaders start from. */
  online: string;
  /** STREAM of published changes, entry id `<seq>-1`, capped (MAXLEN ~). */
  changes: string;
  /** HASH uid → `{"<node>": until, …}`: each node's open pages of that user (until: ahead while open, the closing once closed). */
  pages: string;
  /** ZSET uid → when a node last wrote their pages: the leader reads the users changed since its previous read. */
  pagesChanged: string;
  /** A pub/sub channel: someone not shown online became active, so the leader ticks at once. */
  nudge: string;
  /** The pub/sub channel of one node, for subscriptions forwarded to the sessions it holds. */
  node(id: string): string;
}

export function redisKeys(prefix: string): RedisKeys {
  const key = (name: string) => `${prefix}:${name}`;
  return {
    seen: key('seen'),
    hidden: key('hidden'),
    profiles: key('profiles'),
    changed: key('changed'),
    leader: key('leader'),
    state: key('state'),
    online: key('online'),
    changes: key('changes'),
    pages: key('pages'),
    pagesChanged: key('pages-changed'),
    nudge: key('nudge'),
    node: (id) => key(`node:${id}`),
  };
}
