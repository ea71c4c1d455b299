/**
 * Registers `<presence-dot>`, `<presence-status>`, `<online-now>`, `<presence-here>` and `<presence-typing>`. Import this once
 * (or load it with a script tag); importing the package root defines nothing, so a
 * page can pick its own tag names with `PresenceDot.define('my-dot')`.
 */
import { OnlineNow } from './online-now.js';
import { PresenceDot } from './presence-dot.js';
import { PresenceStatus } from './presence-status.js';
import { PresenceHere } from './presence-here.js';
import { PresenceTyping } from './presence-typing.js';

PresenceDot.define();
PresenceStatus.define();
OnlineNow.define();
PresenceHere.define();
PresenceTyping.define();

export * from './index.js';
