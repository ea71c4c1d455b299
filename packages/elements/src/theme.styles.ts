import { css } from 'lit';

/**
 * The colours every element shares, light and dark. Each reads a public
 * `--presence-*` custom property first, so a page themes every dot from `:root` or
 * any ancestor; the private `--_*` names only carry the fallbacks.
 */
export const themeStyles = css`
  :host {
    --_online: var(--presence-online-color, #1f883d);
    --_offline: var(--presence-offline-color, #6e7781);
    --_ring: var(--presence-ring-color, #ffffff);
    --_offline-fill: var(--presence-offline-fill, var(--_ring));
    --_offline-stroke: var(--presence-offline-stroke, 2px);
    --_idle: var(--presence-idle-color, #9a6700);
    --_idle-fill: var(--presence-idle-fill, var(--_ring));
    --_ring-width: var(--presence-ring-width, 2px);
    --_text: var(--presence-text-color, inherit);
    --_muted: var(--presence-muted-color, #59636e);
    --_duration: var(--presence-transition-duration, 200ms);
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_online: var(--presence-online-color, #3fb950);
      --_offline: var(--presence-offline-color, #8b949e);
      --_idle: var(--presence-idle-color, #d29922);
      --_ring: var(--presence-ring-color, #0d1117);
      --_muted: var(--presence-muted-color, #9198a1);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    :host {
      --_duration: 0s;
    }
  }
  :host([hidden]) {
    display: none;
  }
`;

/**
 * Colour is never the only cue: online is a filled dot, idle an amber ring filled to
 * half (its lower half), anything else a hollow ring (its fill the ring colour), so the
 * states differ in shape for every kind of vision. The default colours keep 3:1 or more
 * against white, #f1f3f6 and #f6f7f9 (light) and #0d1117, #161b22 and #1f2630 (dark).
 */
export const stateDot = css`
  [part~='dot'] {
    box-sizing: border-box;
    background: var(--_offline-fill);
    border: var(--_offline-stroke) solid var(--_offline);
    transition:
      background-color var(--_duration) ease-out,
      border-color var(--_duration) ease-out;
  }
  :host([state='online']) [part~='dot'] {
    background: var(--_online);
    border-color: var(--_online);
  }
  :host([state='idle']) [part~='dot'] {
    background: linear-gradient(to top, var(--_idle) 50%, transparent 50%) var(--_idle-fill);
    border: var(--_offline-stroke) solid var(--_idle);
  }
`;

/**
 * Hidden on screen, still read by screen readers. Clipped to nothing and kept out of
 * layout, so it can never widen a page, whatever its containing block.
 */
export const visuallyHidden = css`
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }
`;

/**
 * The dot in an avatar's bottom-right corner, for <presence-dot> and the roster alike:
 * a share of the avatar's width (the positioned box around it), clamped so it stays
 * visible on a 16px avatar and discreet on a 160px one. Colours stay with each element.
 */
export const cornerDot = css`
  [part~='dot'] {
    --_size: var(
      --presence-dot-size,
      clamp(var(--presence-dot-min-size, 8px), var(--presence-dot-ratio, 28%), var(--presence-dot-max-size, 14px))
    );
    /* The dot's centre, in from each edge: where the unclamped dot's centre would be. A dot
       clamped up on a small avatar grows outward and overhangs the corner like a badge,
       instead of covering its face; a round avatar moves the centre onto its circle. */
    --_centre: calc(min(var(--presence-dot-ratio, 28%), var(--_size)) / 2);
    position: absolute;
    right: calc(var(--presence-dot-offset, 0px) + var(--_centre) - var(--_size) / 2);
    bottom: calc(var(--presence-dot-offset, 0px) + var(--_centre) - var(--_size) / 2);
    box-sizing: border-box;
    width: var(--_size);
    aspect-ratio: 1;
    border-radius: 50%;
    box-shadow: 0 0 0 var(--_ring-width) var(--_ring);
  }
`;
