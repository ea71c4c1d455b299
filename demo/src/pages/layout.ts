import { html, type Safe } from '../html.js';
import { USERS } from '../users.js';
import { avatar, avatarImg, type View } from '../view.js';
import { simulatorPanel, type PanelContext } from './simulator-panel.js';

const NAV = [
  { href: '/', label: 'Feed' },
  { href: '/messages', label: 'Messages' },
  { href: '/profile', label: 'Profile' },
  { href: '/gallery', label: 'Gallery' },
  { href: '/simulator', label: 'Simulator' },
] as const;

function isCurrent(view: View, href: string): boolean {
  if (href === '/') return view.path === '/';
  if (href === '/profile') return view.path.startsWith('/u/');
  return view.path.startsWith(href);
}

const PERSON_ICON = html`<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
  <circle cx="12" cy="8" r="4" fill="currentColor" />
  <path d="M4 21a8 8 0 0 1 16 0z" fill="currentColor" />
</svg>`;

/** The top navigation: a row of links on wide screens, the same links in a Menu below 1000px. */
function navLinks(view: View): Safe {
  return html`${NAV.map((n) => html`<a href="${n.href}" ${isCurrent(view, n.href) ? html` aria-current="page"` : ''}>${n.label}</a>`)}`;
}

function accountSwitcher(view: View): Safe {
  const next = encodeURIComponent(view.path);
  const me = view.me;
  // The visible words lead the accessible name (WCAG 2.5.3): "Sign in, …" / "Ada, …".
  const shown = me ? me.name.split(' ')[0]! : 'Sign in';
  return html`<details class="switcher" data-menu>
    <summary class="switcher__summary" aria-label="${shown}, switch signed-in user">
      ${me ? avatar(view, me.uid, { size: 32, decorative: true }) : html`<span class="switcher__guest">${PERSON_ICON}</span>`}
      <span class="switcher__name">${shown}</span>
      <svg class="switcher__chevron" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
        <path d="M4 6l4 4 4-4" fill="none" stroke="currentColor" stroke-width="2" />
      </svg>
    </summary>
    <div class="switcher__menu">
      <p class="switcher__hint">Sign in as anyone. Open another tab as someone else to watch yourself come online.</p>
      <ul>
        ${USERS.map(
          (u) =>
            html`<li>
              <a
                class="switcher__item${u.uid === me?.uid ? ' is-current' : ''}"
                href="/signin?as=${u.uid}&amp;next=${next}"
              >
                ${avatarImg(u.uid, { size: 24, decorative: true })}<span>${u.name}</span></a
              >
            </li>`,
        )}
        <li>
          <a class="switcher__item" href="/signin?as=&amp;next=${next}"
            ><span class="switcher__guest switcher__guest--small">${PERSON_ICON}</span><span>Browse as a guest</span></a
          >
        </li>
      </ul>
    </div>
  </details>`;
}

export interface PageOptions {
  title: string;
  /** A class on <main> for page-specific layout. */
  page: string;
  body: Safe;
  /** The simulator drawer is on every page but the simulator's own. */
  drawer?: PanelContext | null;
  /** `<meta name="presence-window">` for elements no server speaks for (the gallery's frozen examples). */
  fallbackWindow?: string;
}

export function layout(view: View, { title, page, body, drawer, fallbackWindow }: PageOptions): string {
  const theme = view.theme ? html` data-theme="${view.theme}" data-theme-fixed` : '';
  return `<!doctype html>${html`<html lang="en" ${theme}>
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>${title} · presence-kit demo</title>
      ${view.endpointAttribute ? '' : html`<meta name="presence-endpoint" content="/presence" />`}
      ${fallbackWindow ? html`<meta name="presence-window" content="${fallbackWindow}" />` : ''}
      <meta name="color-scheme" content="light dark" />
      <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
      <link rel="stylesheet" href="/assets/main.css" />
      <script>
        /* before first paint: the saved theme, so the page never flashes the other one */
        (function () {
          var d = document.documentElement;
          if (d.hasAttribute('data-theme-fixed')) return;
          try {
            var t = localStorage.getItem('demo-theme');
            if (t === 'light' || t === 'dark') d.setAttribute('data-theme', t);
          } catch (e) {}
        })();
      </script>
      <script type="module" src="/assets/main.js"></script>
    </head>
    <body>
      <a class="skip-link" href="#main">Skip to content</a>
      <header class="navbar">
        <a class="brand" href="/"
          ><span class="brand__dot" aria-hidden="true"></span>presence-kit <span class="brand__tag">demo</span></a
        >
        <nav class="navbar__nav" aria-label="Demo pages">${navLinks(view)}</nav>
        <details class="nav-menu" data-menu>
          <summary class="nav-menu__summary">
            <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
              <path d="M2 4h12M2 8h12M2 12h12" stroke="currentColor" stroke-width="2" /></svg
            ><span class="nav-menu__word">Menu</span>
          </summary>
          <nav class="nav-menu__list" aria-label="Demo pages">${navLinks(view)}</nav>
        </details>
        <div class="navbar__end">
          <button
            class="icon-button"
            type="button"
            data-theme-toggle
            aria-label="Toggle light and dark theme"
            title="Light / dark"
          >
            <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
              <path d="M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z" fill="currentColor" />
            </svg>
          </button>
          ${accountSwitcher(view)}
        </div>
      </header>
      <main id="main" class="page page--${page}">${body}</main>
      ${
        drawer
          ? html`<details class="sim-drawer" data-sim-drawer>
              <summary class="sim-drawer__toggle">
                <span class="brand__dot" aria-hidden="true"></span> Simulator
              </summary>
              <div class="sim-drawer__body">${simulatorPanel(view, drawer)}</div>
            </details>`
          : ''
      }
    </body>
  </html>`}`;
}
