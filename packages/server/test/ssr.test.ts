import { describe, expect, it } from 'vitest';
import { escapeHtml, renderDot, renderRoster, renderStatus } from '../src/index.js';
import { statusOfRow, type UserRow } from '../src/ssr.js';
import { startServer } from '../../../test/support/index.js';
import { internalsOf } from '../src/internals.js';

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
/** The quick-on rule alone, as a row reads before the relay's hysteresis. */
const quickOnline = (row: UserRow, now = NOW) => statusOfRow(row, now).online;

describe('server-side rendering from the row a page already loaded', () => {
  it('reads last_seen as epoch ms, epoch seconds or ISO text', () => {
    expect(quickOnline({ last_seen: NOW - 10_000 }, NOW)).toBe(true);
    expect(quickOnline({ last_seen: String((NOW - 10_000) / 1000) }, NOW)).toBe(true);
    expect(quickOnline({ last_seen: new Date(NOW - 61_000).toISOString() }, NOW)).toBe(false);
    expect(quickOnline({ last_seen: null }, NOW)).toBe(false);
  });

  it('shows users who hide their status as offline and never seen', () => {
    expect(statusOfRow({ last_seen: NOW, hidden: 1 }, NOW)).toEqual({ online: false, last_seen: null });
  });

  it('renders elements with their state in attributes, escaped', () => {
    expect(renderDot('7', { online: true, last_seen: NOW }, '<img src="/a.png" alt="">')).toBe(
      `<presence-dot uid="7" last-seen="${NOW}" online><img src="/a.png" alt=""></presence-dot>`,
    );
    expect(renderDot('a"b', { online: false, last_seen: null })).toBe('<presence-dot uid="a&quot;b"></presence-dot>');
    expect(renderStatus('7', { online: false, last_seen: NOW - 3_600_000 }, NOW)).toBe(
      `<presence-status uid="7" last-seen="${NOW - 3_600_000}">last seen 1h ago</presence-status>`,
    );
    expect(escapeHtml(`<a href='x'>&`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;');
  });

  it("states the server's clock and window in the markup when given them, as presence.renderDot/renderStatus do", async () => {
    const server = { now: NOW, window: { timeoutSeconds: 45, marginSeconds: 0 } };
    expect(renderDot('7', { online: true, last_seen: NOW }, '', undefined, server)).toBe(
      `<presence-dot uid="7" last-seen="${NOW}" online server-now="${NOW}" server-window="45 0"></presence-dot>`,
    );
    expect(renderStatus('7', { online: false, last_seen: null }, NOW, 'en', undefined, server)).toBe(
      `<presence-status uid="7" server-now="${NOW}" server-window="45 0">offline</presence-status>`,
    );
    const running = await startServer({ timeoutSeconds: 30, marginSeconds: 0 });
    try {
      const stated = `server-now="${running.clock.ms}" server-window="30 0"`;
      expect(running.presence.renderDot({ uid: '1', last_seen: null })).toBe(
        `<presence-dot uid="1" ${stated}></presence-dot>`,
      );
      expect(running.presence.renderStatus({ uid: '1', last_seen: null })).toBe(
        `<presence-status uid="1" ${stated}>offline</presence-status>`,
      );
    } finally {
      await running.close();
    }
  });

  it('adds the host’s own attributes, escaped, and refuses the ones the kit sets from the state', () => {
    const online = { online: true, last_seen: NOW };
    expect(
      renderDot('7', online, '<img alt="">', {
        endpoint: '/x',
        class: 'big "one"',
        'data-n': 3,
        inert: true,
        hidden: false,
        title: null,
      }),
    ).toBe(
      `<presence-dot uid="7" last-seen="${NOW}" online endpoint="/x" class="big &quot;one&quot;" data-n="3" inert><img alt=""></presence-dot>`,
    );
    expect(renderStatus('7', { online: false, last_seen: null }, NOW, 'en', { endpoint: '/x' })).toBe(
      '<presence-status uid="7" endpoint="/x">offline</presence-status>',
    );
    expect(renderRoster({ count: 0, users: [] }, NOW, { max: 12, endpoint: '/x' })).toBe(
      `<online-now max="12" endpoint="/x"><script type="application/json">{"t":${NOW},"count":0,"users":[]}</script></online-now>`,
    );
    expect(() => renderDot('7', online, '', { online: false })).toThrow(
      "presence-kit: the kit sets `online` itself from the server's state; leave it out of `attributes`.",
    );
    expect(() => renderStatus('7', online, NOW, 'en', { 'Last-Seen': '1' })).toThrow(/sets `Last-Seen` itself/);
    expect(() => renderRoster({ count: 0, users: [] }, NOW, { 'x onload': 'alert(1)' })).toThrow(
      'presence-kit: "x onload" is not an attribute name; use letters, digits and - _ . : only.',
    );
  });

  it('embeds the roster as JSON no name can break out of', () => {
    const html = renderRoster(
      { count: 1, users: [{ uid: '1', name: '</script><script>alert(1)</script>', avatar: null, last_seen: NOW }] },
      NOW,
    );
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    const json = html.slice(html.indexOf('>', html.indexOf('<script')) + 1, html.lastIndexOf('</script>'));
    expect(JSON.parse(json).users[0].name).toBe('</script><script>alert(1)</script>');
  });

  it('embeds only the window a max attribute names, with the full count', () => {
    const users = ['a', 'b', 'c'].map((uid) => ({ uid, name: uid, avatar: null, last_seen: NOW }));
    const json = (html: string) =>
      JSON.parse(html.slice(html.indexOf('>', html.indexOf('<script')) + 1, html.lastIndexOf('</script>')));
    expect(json(renderRoster({ count: 3, users }, NOW, { max: 2 }))).toEqual({
      t: NOW,
      count: 3,
      users: users.slice(0, 2),
    });
    expect(json(renderRoster({ count: 3, users }, NOW)).users).toHaveLength(3);
  });

  it('agrees with the live dots inside the margin', async () => {
    const server = await startServer();
    try {
      await server.visit('1');
      server.clock.advance(70); // past the window, inside the margin: still shown online
      internalsOf(server.presence).relay.tick();
      const row = { uid: '1', last_seen: server.clock.ms - 70_000 };
      expect(server.presence.isOnline(row)).toBe(true);
      expect(server.presence.label(row)).toBe('online');
      expect(quickOnline(row, server.clock.ms)).toBe(false); // the bare rule has no memory of who was shown
      expect(server.presence.renderRoster()).toContain('"uid":"1"');
      expect(server.presence.renderDot(row, '', { endpoint: '/presence' })).toBe(
        `<presence-dot uid="1" last-seen="${row.last_seen}" online server-now="${server.clock.ms}" server-window="60 20" endpoint="/presence"></presence-dot>`,
      );
      expect(server.presence.label({ uid: '2', last_seen: server.clock.ms - 5 * 60_000 })).toBe('last seen 5m ago');
    } finally {
      await server.close();
    }
  });
});
