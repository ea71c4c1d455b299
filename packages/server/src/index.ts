export { createPresence, openDatabase, type Presence } from './create-presence.js';
export { isAssetOrStream, resolveOptions, type PresenceOptions, type ResolvedOptions } from './options.js';
export { KIT_TABLE, createLastSeenStore, type LastSeenStore, type StoredUser, type UserProfile, type UsersTable } from './last-seen-store.js';
export { Relay, type RelayOptions, type TickResult } from './relay.js';
export { escapeHtml, renderDot, renderRoster, renderStatus, type UserRow } from './ssr.js';
export { type TrustProxy } from './client-key.js';
export { servePresence, type ServeOptions, type RunningServer } from './serve.js';
