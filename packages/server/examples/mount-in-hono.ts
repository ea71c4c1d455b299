import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { createPresence } from '@presence-kit/server';

// Your app, your users. The kit only needs to know who made each request.
export const presence = createPresence({
  db: 'app.db', // or your open better-sqlite3 Database
  users: { table: 'users', id: 'id', name: 'username', avatar: 'avatar_url' }, // omit to use the kit's own table
  resolveUser: (c) => getCookie(c, 'uid') ?? null, // your session lookup goes here
});

export const app = new Hono();
app.use(presence.track); // records activity: throttled, one last_seen per user
app.route('/presence', presence.app); // /presence/stream, /presence/status, /presence/roster

app.get('/profile/:id', (c) => {
  const user = { id: c.req.param('id'), username: 'grace', avatar_url: '/g.png', last_seen: Date.now() };
  // Correct HTML before any JS runs; the element takes over live updates.
  return c.html(`<h1>${user.username} ${presence.renderStatus(user)}</h1>
    ${presence.renderDot(user, `<img src="${user.avatar_url}" alt="">`)}`);
});
