/**
 * Registers `<presence-dot>`, `<presence-status>` and `<online-now>`. Import this once
 * (or load it with a script tag); importing the package root defines nothing, so a
 * page can pick its own tag names with `PresenceDot.define('my-dot')`.
 */
import { OnlineNow } from './online-now.js';
import { PresenceDot } from './presence-dot.js';
import { PresenceStatus } from './presence-status.js';

PresenceDot.define();
PresenceStatus.define();
OnlineNow.define();

export * from './index.js';
