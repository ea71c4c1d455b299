export { createPresence, openDatabase, type Presence, type PresenceStats } from './create-presence.js';
export { type PresenceUser } from './presence-user.js';
export { isAssetOrStream, resolveOptions, type PresenceOptions, type ResolvedOptions } from './options.js';
export { KIT_TABLE, type UserProfile, type UsersTable } from './last-seen-store.js';
export { renderDot, renderRoster, renderStatus, type ServerFacts, type UserRow } from './ssr.js';
export { escapeHtml, type HtmlAttributes } from './html.js';
export { type TrustProxy } from './client-key.js';
export { servePresence, type ServeOptions, type RunningServer } from './serve.js';
export { type RedisConfig } from './redis/redis-config.js';
