import { css } from 'lit';
import { cornerDot, themeStyles, visuallyHidden } from './theme.styles.js';

export const onlineNowStyles = [
  themeStyles,
  cornerDot,
  visuallyHidden,
  css`
    :host {
      display: block;
      --_avatar-size: var(--presence-avatar-size, 32px);
    }
    /* The containing block of the visually hidden texts, so they never escape a scrolling ancestor. */
    [part~='base'] {
      position: relative;
    }
    [part~='header'] {
      display: flex;
      align-items: baseline;
      gap: 0.5em;
      margin-bottom: 0.5em;
    }
    [part~='count'] {
      font-variant-numeric: tabular-nums;
      color: var(--_muted);
    }
    [part~='list'] {
      display: flex;
      flex-wrap: wrap;
      gap: var(--presence-avatar-gap, 6px);
      margin: 0;
      padding: 0;
      list-style: none;
    }
    [part~='item'] {
      position: relative;
      width: var(--_avatar-size);
      height: var(--_avatar-size);
      flex: none;
    }
    [part~='avatar'] {
      display: flex;
      align-items: center;
      justify-content: center;
      width: 100%;
      height: 100%;
      box-sizing: border-box;
      border-radius: var(--presence-avatar-radius, 50%);
      object-fit: cover;
      overflow: hidden;
      background: var(--presence-avatar-background, #d0d7de);
      color: var(--presence-avatar-color, #1f2328);
      font-size: calc(var(--_avatar-size) * 0.4);
      font-weight: 600;
      line-height: 1;
      user-select: none;
    }
    /* Roster members are online by definition: a plain green dot, same proportions as <presence-dot>. */
    [part~='dot'] {
      background: var(--_online);
    }
    /* Idle (a server with idle on): dimmed, and the dot <presence-dot> draws for idle (by shape, not only hue). */
    .idle img[part~='avatar'] {
      opacity: 0.55;
      filter: grayscale(1);
    }
    .idle span[part~='avatar'] {
      background: transparent;
      border: 1px dashed currentColor;
      color: var(--_muted);
    }
    .idle [part~='dot'] {
      background: linear-gradient(to top, var(--_idle) 50%, transparent 50%) var(--_idle-fill);
      border: var(--_offline-stroke) solid var(--_idle);
    }
    [part~='overflow'] {
      display: flex;
      align-items: center;
      justify-content: center;
      min-width: var(--_avatar-size);
      height: var(--_avatar-size);
      padding: 0 0.4em;
      box-sizing: border-box;
      border-radius: calc(var(--_avatar-size) / 2);
      background: var(--presence-avatar-background, #d0d7de);
      color: var(--presence-avatar-color, #1f2328);
      font-size: calc(var(--_avatar-size) * 0.375);
      font-variant-numeric: tabular-nums;
    }
    [part~='empty'] {
      color: var(--_muted);
    }
    [part~='toggle'] {
      margin-left: auto;
      min-height: 24px;
      padding: 0 0.75em;
      border: 1px solid currentColor;
      border-radius: 999px;
      background: transparent;
      color: inherit;
      font: inherit;
      font-size: 0.85em;
      cursor: pointer;
    }
    [part~='toggle']:focus-visible {
      outline: 2px solid currentColor;
      outline-offset: 2px;
    }
    [part~='names'] {
      display: flex;
      flex-direction: column;
      gap: 0.25em;
      margin: 0.75em 0 0;
      padding: 0;
      list-style: none;
    }
    .enter {
      animation: presence-enter var(--_duration) ease-out;
    }
    .leave {
      animation: presence-leave var(--_duration) ease-in forwards;
    }
    @keyframes presence-enter {
      from {
        opacity: 0;
        transform: scale(0.6);
      }
    }
    @keyframes presence-leave {
      to {
        opacity: 0;
        transform: scale(0.6);
      }
    }
    @media (prefers-color-scheme: dark) {
      [part~='avatar'],
      [part~='overflow'] {
        background: var(--presence-avatar-background, #3d444d);
        color: var(--presence-avatar-color, #f0f6fc);
      }
    }
    @media (prefers-reduced-motion: reduce) {
      .enter,
      .leave {
        animation: none;
      }
    }
  `,
];
