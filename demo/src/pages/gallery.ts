import { html, raw, type Safe } from '../html.js';
import { findUser } from '../users.js';
import { avatar, avatarImg, liveAttributes, statusLabel, type View } from '../view.js';

/**
 * The states a designer needs to see, frozen in time: these elements have no live
 * subscription (the gallery page names no endpoint for them), and the page re-stamps
 * `last-seen` every few seconds so each one stays in its state however long you look (an
 * idle example also its `server-now`: an idle status holds from when the server rendered it).
 */
const STATES = [
  { key: 'online', title: 'Online', agoMs: 0, online: true, idle: false, uid: 'ada' },
  { key: 'idle', title: 'Idle (a server with idle on)', agoMs: 12 * 60_000, online: true, idle: true, uid: 'barbara' },
  { key: 'just-now', title: 'Last seen just now', agoMs: 20_000, online: false, idle: false, uid: 'grace' },
  { key: 'minutes', title: 'Last seen minutes ago', agoMs: 7 * 60_000, online: false, idle: false, uid: 'linus' },
  { key: 'hours', title: 'Last seen hours ago', agoMs: 3 * 3_600_000, online: false, idle: false, uid: 'margaret' },
  { key: 'days', title: 'Last seen days ago', agoMs: 2 * 86_400_000, online: false, idle: false, uid: 'alan' },
  { key: 'never', title: 'Offline, never seen', agoMs: null, online: false, idle: false, uid: 'katherine' },
] as const;

/** The fallback window of the frozen examples: short, so "just now" can exist (it needs a window under a minute). */
export const FROZEN_WINDOW = '10 0';

const SIZES = [16, 20, 24, 32, 40, 48, 64, 96, 128, 160] as const;

type State = (typeof STATES)[number];

function frozenAttrs(s: Pick<State, 'agoMs' | 'online' | 'idle'> & { key: string }, now: number): Safe {
  if (s.agoMs === null) return html`uid="frozen-${s.key}"`;
  return html`uid="frozen-${s.key}" last-seen="${now - s.agoMs}"
  data-frozen-ago="${s.agoMs}"${s.online ? raw(' online') : ''}${
    s.idle ? html` idle server-now="${now}" data-frozen-idle` : ''
  }`;
}

function stateCard(s: State, now: number, size = 64): Safe {
  return html`<figure class="state-card" data-state-example="${s.key}">
    <presence-dot ${frozenAttrs(s, now)}>${avatarImg(s.uid, { size })}</presence-dot>
    <figcaption><strong>${s.title}</strong><presence-status ${frozenAttrs(s, now)}></presence-status></figcaption>
  </figure>`;
}

function states(now: number): Safe {
  return html`<div class="state-grid">${STATES.map((s) => stateCard(s, now))}</div>`;
}

interface PropertyDoc {
  name: string;
  applies: string;
  defaultValue: string;
  example: string;
  description: string;
  /** Which live example the property is shown on. */
  on: 'dot-online' | 'dot-offline' | 'dot-idle' | 'status-online' | 'status-offline' | 'roster' | 'room' | 'typing';
}

/** The gallery's own room: whoever looks at the gallery is in it. */
const GALLERY_ROOM = 'gallery:examples';

/** Every public custom property of the elements, each with a value that makes its effect obvious. */
export const PROPERTIES: readonly PropertyDoc[] = [
  {
    name: '--presence-online-color',
    applies: 'dot, status',
    defaultValue: '#1f883d (dark #3fb950)',
    example: '#8b5cf6',
    description: 'Dot colour when online.',
    on: 'dot-online',
  },
  {
    name: '--presence-offline-color',
    applies: 'dot, status',
    defaultValue: '#6e7781 (dark #8b949e)',
    example: '#b45309',
    description: 'The hollow dot’s ring when away or never seen.',
    on: 'dot-offline',
  },
  {
    name: '--presence-offline-fill',
    applies: 'dot, status',
    defaultValue: 'the ring colour',
    example: 'light-dark(#fef3c7, #451a03)',
    description: 'Inside the hollow dot.',
    on: 'dot-offline',
  },
  {
    name: '--presence-idle-color',
    applies: 'dot, status, roster',
    defaultValue: '#9a6700 (dark #d29922)',
    example: '#7c3aed',
    description: 'The idle dot’s ring and its filled lower half (a server with idle on).',
    on: 'dot-idle',
  },
  {
    name: '--presence-idle-fill',
    applies: 'dot, status',
    defaultValue: 'the ring colour',
    example: 'light-dark(#fde68a, #78350f)',
    description: 'The idle dot’s upper half.',
    on: 'dot-idle',
  },
  {
    name: '--presence-offline-stroke',
    applies: 'dot, status',
    defaultValue: '2px',
    example: '4px',
    description: 'Thickness of the hollow dot’s ring.',
    on: 'dot-offline',
  },
  {
    name: '--presence-ring-color',
    applies: 'dot',
    defaultValue: 'white (dark #0d1117)',
    example: '#000000',
    description: 'Ring that separates the dot from the avatar (and fills the hollow one).',
    on: 'dot-online',
  },
  {
    name: '--presence-ring-width',
    applies: 'dot',
    defaultValue: '2px',
    example: '4px',
    description: 'Ring thickness.',
    on: 'dot-online',
  },
  {
    name: '--presence-dot-size',
    applies: 'dot, status',
    defaultValue: 'proportional (status: 0.5em)',
    example: '20px',
    description: 'A fixed size instead of the proportional one.',
    on: 'dot-online',
  },
  {
    name: '--presence-dot-ratio',
    applies: 'dot',
    defaultValue: '28%',
    example: '40%',
    description: 'Share of the avatar’s width (then clamped).',
    on: 'dot-online',
  },
  {
    name: '--presence-dot-min-size',
    applies: 'dot',
    defaultValue: '8px',
    example: '16px',
    description: 'Smallest proportional size.',
    on: 'dot-online',
  },
  {
    name: '--presence-dot-max-size',
    applies: 'dot',
    defaultValue: '14px',
    example: '8px',
    description: 'Largest proportional size.',
    on: 'dot-online',
  },
  {
    name: '--presence-dot-offset',
    applies: 'dot',
    defaultValue: '0px',
    example: '6px',
    description: 'Moves the dot in from where it sits (negative: out).',
    on: 'dot-online',
  },
  {
    name: '--presence-transition-duration',
    applies: 'dot, status',
    defaultValue: '200ms (0 under reduced motion)',
    example: '2s',
    description: 'How long the colour change takes.',
    on: 'dot-online',
  },
  {
    name: '--presence-text-color',
    applies: 'status',
    defaultValue: 'inherit',
    example: 'light-dark(#15803d, #4ade80)',
    description: 'Label colour when online.',
    on: 'status-online',
  },
  {
    name: '--presence-muted-color',
    applies: 'status',
    defaultValue: '#59636e (dark #9198a1)',
    example: 'light-dark(#be185d, #f472b6)',
    description: 'Label colour otherwise.',
    on: 'status-offline',
  },
  {
    name: '--presence-avatar-size',
    applies: 'online-now',
    defaultValue: '32px',
    example: '44px',
    description: 'Avatar size in the roster.',
    on: 'roster',
  },
  {
    name: '--presence-avatar-gap',
    applies: 'online-now',
    defaultValue: '6px',
    example: '14px',
    description: 'Space between roster avatars.',
    on: 'roster',
  },
  {
    name: '--presence-avatar-radius',
    applies: 'online-now',
    defaultValue: '50%',
    example: '8px',
    description: 'Roster avatar corner radius.',
    on: 'roster',
  },
  {
    name: '--presence-avatar-background',
    applies: 'online-now',
    defaultValue: '#d0d7de (dark #3d444d)',
    example: 'light-dark(#fde68a, #78350f)',
    description: 'Behind initials and the +N chip.',
    on: 'roster',
  },
  {
    name: '--presence-avatar-color',
    applies: 'online-now',
    defaultValue: '#1f2328 (dark #f0f6fc)',
    example: 'light-dark(#92400e, #fde68a)',
    description: 'Initials and +N text.',
    on: 'roster',
  },
  {
    name: '--presence-member-color',
    applies: 'presence-here',
    defaultValue: "each member's state colour, else none",
    example: '#8b5cf6',
    description: "Outline of a room member's avatar; the element sets it per member from their state's color.",
    on: 'room',
  },
  {
    name: '--presence-status-gap',
    applies: 'status',
    defaultValue: '0.375em',
    example: '1em',
    description: 'Space between the small dot and the label.',
    on: 'status-online',
  },
];

interface PartDoc {
  element: string;
  part: string;
  css: string;
  description: string;
  on: PropertyDoc['on'];
}

export const PARTS: readonly PartDoc[] = [
  {
    element: 'presence-dot',
    part: 'base',
    css: 'outline: 2px dashed #8b5cf6; outline-offset: 2px;',
    description: 'The box around the avatar the dot is placed in.',
    on: 'dot-online',
  },
  {
    element: 'presence-dot',
    part: 'dot',
    css: 'border-radius: 3px; box-shadow: none;',
    description: 'The dot itself (role="img", named like the label, the exact time as its description).',
    on: 'dot-online',
  },
  {
    element: 'presence-status',
    part: 'base',
    css: 'padding: 2px 8px; border-radius: 999px; background: color-mix(in srgb, currentColor 12%, transparent);',
    description: 'Wrapper of the small dot and the label.',
    on: 'status-online',
  },
  {
    element: 'presence-status',
    part: 'dot',
    css: 'display: none;',
    description: 'The small dot before the label.',
    on: 'status-online',
  },
  {
    element: 'online-now',
    part: 'base',
    css: 'padding: 8px; border: 1px dashed #8b5cf6; border-radius: 12px;',
    description: 'The whole element (a labelled group).',
    on: 'roster',
  },
  {
    element: 'online-now',
    part: 'header',
    css: 'justify-content: space-between;',
    description: 'The row with the label and the count.',
    on: 'roster',
  },
  {
    element: 'online-now',
    part: 'label',
    css: 'font-weight: 700; color: light-dark(#6d28d9, #c4b5fd);',
    description: 'The heading text (attribute label).',
    on: 'roster',
  },
  {
    element: 'online-now',
    part: 'count',
    css: 'padding: 0 6px; border-radius: 999px; background: #6d28d9; color: white;',
    description: 'The number of people online.',
    on: 'roster',
  },
  {
    element: 'online-now',
    part: 'list',
    css: 'flex-direction: row-reverse; justify-content: flex-end;',
    description: 'The list of avatars.',
    on: 'roster',
  },
  {
    element: 'online-now',
    part: 'item',
    css: 'filter: drop-shadow(0 2px 3px rgb(0 0 0 / .35));',
    description: 'One person (avatar and dot).',
    on: 'roster',
  },
  {
    element: 'online-now',
    part: 'avatar',
    css: 'border-radius: 6px;',
    description: 'The avatar image, or initials without a usable image.',
    on: 'roster',
  },
  {
    element: 'online-now',
    part: 'dot',
    css: 'background: #b45309;',
    description: 'The plain green dot on each roster avatar.',
    on: 'roster',
  },
  {
    element: 'online-now',
    part: 'overflow',
    css: 'background: #6d28d9; color: white;',
    description: 'The +N chip when more are online than max (max="2" here).',
    on: 'roster',
  },
  {
    element: 'online-now',
    part: 'toggle',
    css: 'border-style: dashed; font-weight: 600;',
    description: 'The "Names" button (attribute names-toggle): one tab stop for the whole roster.',
    on: 'roster',
  },
  {
    element: 'online-now',
    part: 'names',
    css: 'font-style: italic;',
    description: 'The list of names the button opens (open it to see).',
    on: 'roster',
  },
  {
    element: 'online-now',
    part: 'empty',
    css: 'font-style: italic;',
    description: 'The empty-state text, shown when nobody is online.',
    on: 'roster',
  },
  {
    element: 'presence-status',
    part: 'label',
    css: 'text-transform: uppercase; letter-spacing: .08em; font-size: .75em; font-weight: 600;',
    description: 'The label text.',
    on: 'status-offline',
  },
];

/** `<presence-here>` is `<online-now>` for one room: the same parts, shown on a room, plus the page's own avatar. */
export const ROOM_PARTS: readonly PartDoc[] = [
  ...PARTS.filter((p) => p.element === 'online-now').map((p) => ({
    ...p,
    element: 'presence-here',
    description: `${p.description.replace(/online/g, 'here').replace('the roster', 'the room')} (as in <online-now>)`,
    on: 'room' as const,
  })),
  {
    element: 'presence-here',
    part: 'me',
    css: 'outline: 3px solid #b45309; border-radius: 50%;',
    description: "Your own avatar's item (also part item): you are in this gallery's room while you look at it.",
    on: 'room',
  },
  {
    element: 'presence-typing',
    part: 'label',
    css: 'font-weight: 600;',
    description: 'Who is typing in the room ("Ada is typing…"); empty while nobody is.',
    on: 'typing',
  },
];

function liveExample(view: View, on: PropertyDoc['on'], live: { online: string; offline: string }): Safe {
  switch (on) {
    case 'dot-online':
      return avatar(view, live.online, { size: 64 });
    case 'dot-offline':
      return avatar(view, live.offline, { size: 64 });
    case 'dot-idle': {
      // Frozen: no live person is idle unless the server has idle on.
      const idle = STATES.find((s) => s.key === 'idle')!;
      return html`<presence-dot ${frozenAttrs({ ...idle, key: 'idle-property' }, Date.now())}
        >${avatarImg(idle.uid, { size: 64 })}</presence-dot
      >`;
    }
    case 'status-online':
      return statusLabel(view, live.online);
    case 'status-offline':
      return statusLabel(view, live.offline);
    case 'roster':
      return raw(view.presence.renderRoster({ max: 2, 'names-toggle': true, ...liveAttributes(view) }));
    case 'room':
      return raw(view.presence.renderHere(GALLERY_ROOM, { max: 2, 'names-toggle': true, ...liveAttributes(view) }));
    case 'typing':
      return html`<presence-typing
        room="${GALLERY_ROOM}"
        endpoint="${view.endpointAttribute ?? ''}"
      ></presence-typing>`;
  }
}

function propertyRows(view: View, live: { online: string; offline: string }): Safe {
  return html`${PROPERTIES.map(
    (p) =>
      html`<tr data-property="${p.name}">
        <th scope="row"><code>${p.name}</code><span class="muted small">${p.applies}</span></th>
        <td class="small">${p.description}<br /><span class="muted">Default ${p.defaultValue}</span></td>
        <td>
          <label class="prop-input"
            ><span class="visually-hidden">Value of ${p.name}</span>
            <input type="text" value="${p.example}" data-prop-input="${p.name}" spellcheck="false"
          /></label>
        </td>
        <td class="prop-example" data-prop-example="${p.name}" style="${p.name}: ${p.example}">
          ${liveExample(view, p.on, live)}
        </td>
      </tr>`,
  )}`;
}

function partRows(view: View, live: { online: string; offline: string }): Safe {
  const parts = [...PARTS, ...ROOM_PARTS];
  return html`${parts.map(
      (p, i) =>
        html`<tr data-part="${p.element}::part(${p.part})">
          <th scope="row"><code>${p.element}::part(${p.part})</code></th>
          <td class="small">${p.description}</td>
          <td><code class="small">${p.css}</code></td>
          <td class="prop-example part-example-${i}">${liveExample(view, p.on, live)}</td>
        </tr>`,
    )}
    <style>
      ${raw(parts.map((p, i) => `.part-example-${i} ${p.element}::part(${p.part}) { ${p.css} }`).join('\n'))}
    </style>`;
}

function sizes(view: View, uid: string, offline: string): Safe {
  const row = (who: string, shape: 'circle' | 'rounded') =>
    html`<div class="size-row" data-sizes="${shape}">
      ${SIZES.map(
        (size) =>
          html`<figure class="size-cell">
            ${avatar(view, who, { size, shape })}
            <figcaption class="muted small">${size}px</figcaption>
          </figure>`,
      )}
    </div>`;
  return html`<div class="size-rows">${row(uid, 'circle')}${row(offline, 'rounded')}</div>`;
}

export function galleryBody(view: View, now: number): Safe {
  // The live examples follow a real user: you (you are online while you browse) or Ada.
  const online = view.me?.uid ?? 'ada';
  const offline = online === 'edsger' ? 'frances' : 'edsger';
  const live = { online, offline };
  return html`<header class="page-head">
      <h1>Gallery</h1>
      <p class="muted">
        Every state, size and theme of <code>&lt;presence-dot&gt;</code> and <code>&lt;presence-status&gt;</code>, and
        every knob a designer can turn.
      </p>
    </header>

    <section class="card gallery-section" aria-labelledby="states-title">
      <h2 id="states-title">States</h2>
      <p class="muted small">
        Frozen examples: attributes only, no live subscription. Markup:
        <code>&lt;presence-dot uid="7" last-seen="…" online&gt;&lt;img …&gt;&lt;/presence-dot&gt;</code>
      </p>
      ${states(now)}
    </section>

    <section class="gallery-section theme-pair" aria-labelledby="themes-title">
      <h2 id="themes-title" class="visually-hidden">Light and dark</h2>
      <div class="card theme-panel theme-light" data-theme-panel="light">
        <h3>Light</h3>
        ${states(now)}
      </div>
      <div class="card theme-panel theme-dark" data-theme-panel="dark">
        <h3>Dark</h3>
        ${states(now)}
      </div>
    </section>

    <section class="card gallery-section" aria-labelledby="sizes-title">
      <h2 id="sizes-title">Sizes, 16px to 160px</h2>
      <p class="muted small">
        Live: ${findUser(online)?.name ?? online} (round: the dot sits on the circle’s edge) and
        ${findUser(offline)?.name ?? offline} (rounded square: in the corner). The dot reads the avatar’s border-radius;
        <code>shape="round"</code> or <code>shape="square"</code> decides instead. It is 28% of the avatar, clamped to
        8–14px; a clamped-up dot overhangs the corner like a badge.
      </p>
      ${sizes(view, online, offline)}
    </section>

    <section class="card gallery-section" aria-labelledby="props-title">
      <h2 id="props-title">CSS custom properties</h2>
      <p class="muted small">
        Set them on <code>:root</code> or any ancestor. Each example below is live; edit a value to try your own.
      </p>
      <div class="table-scroll" role="region" aria-labelledby="props-title" tabindex="0">
        <table class="props">
          <thead>
            <tr>
              <th scope="col">Property</th>
              <th scope="col">What it does</th>
              <th scope="col">Try a value</th>
              <th scope="col">Live example</th>
            </tr>
          </thead>
          <tbody>
            ${propertyRows(view, live)}
          </tbody>
        </table>
      </div>
    </section>

    <section class="card gallery-section" aria-labelledby="parts-title">
      <h2 id="parts-title">Parts</h2>
      <p class="muted small">Style the inside of the elements with <code>::part()</code>.</p>
      <div class="table-scroll" role="region" aria-labelledby="parts-title" tabindex="0">
        <table class="props">
          <thead>
            <tr>
              <th scope="col">Part</th>
              <th scope="col">What it is</th>
              <th scope="col">Example CSS</th>
              <th scope="col">Live example</th>
            </tr>
          </thead>
          <tbody>
            ${partRows(view, live)}
          </tbody>
        </table>
      </div>
    </section>`;
}
