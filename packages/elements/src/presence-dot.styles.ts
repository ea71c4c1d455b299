import { css } from 'lit';
import { themeStyles } from './theme.styles.js';

export const presenceDotStyles = [
  themeStyles,
  css`
    :host {
      display: inline-block;
      vertical-align: middle;
      line-height: 0;
    }
    [part~='base'] {
      position: relative;
      display: inline-block;
    }
    /*
     * Around an avatar the dot is a share of the avatar's width (the base box wraps
     * it), clamped so it stays visible on a 16px avatar and discreet on a 160px one.
     */
    [part~='dot'] {
      position: absolute;
      right: var(--presence-dot-offset, 0);
      bottom: var(--presence-dot-offset, 0);
      box-sizing: border-box;
      width: var(
        --presence-dot-size,
        clamp(var(--presence-dot-min-size, 8px), var(--presence-dot-ratio, 28%), var(--presence-dot-max-size, 14px))
      );
      aspect-ratio: 1;
      border-radius: 50%;
      background: var(--_offline);
      box-shadow: 0 0 0 var(--_ring-width) var(--_ring);
      transition: background-color var(--_duration) ease-out;
    }
    :host([state='online']) [part~='dot'] {
      background: var(--_online);
    }
    /* On its own (no avatar inside) the dot sits inline like a character. */
    .alone [part~='dot'] {
      position: static;
      display: inline-block;
      vertical-align: middle;
      width: var(--presence-dot-size, 10px);
      box-shadow: none;
    }
  `,
];
