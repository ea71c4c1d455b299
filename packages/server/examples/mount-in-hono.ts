import Database from 'better-sqlite3';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { createPresence, escapeHtml } from '@presence-kit/server';

// Your app and its users table (created here, with one user, so this runs in an empty folder).
export const db = new Database('app.db');
db.exec(`CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, username TEXT NOT NULL, avatar_url TEXT);
  INSERT OR IGNORE INTO users (id, username, avatar_url) VALUES (7, 'grace', '/g.png');`);

// The kit only needs to know who made each request.
export const presence = createPresence({
  db, // your open better-sqlite3 Database, or a file path
  users: { table: 'users', id: 'id', name: 'username', avatar: 'avatar_url' }, // omit to use the kit's own table
  resolveUser: (c) => getCookie(c, 'uid') ?? null, // your session lookup goes here
});

export const app = new Hono();
app.use(presence.track); // records activity: throttled, one last_seen per user
app.route('/presence', presence.app); // /presence/stream, /presence/subscribe, /presence/status, /presence/roster

type User = { id: number; username: string; avatar_url: string | null; last_seen: number | null };
const findUser = db.prepare<[string], User>('SELECT * FROM users WHERE id = ?');

app.get('/profile/:id', (c) => {
  const user = findUser.get(c.req.param('id')); // last_seen is a column of yours now
  if (!user) return c.notFound();
  // Correct HTML before any JS runs; the element takes over live updates.
  return c.html(`<h1>${escapeHtml(user.username)} ${presence.renderStatus(user)}</h1>
    ${presence.renderDot(user, `<img src="${escapeHtml(user.avatar_url ?? '')}" alt="">`)}`);
});
