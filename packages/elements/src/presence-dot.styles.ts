import { css } from 'lit';
import { cornerDot, stateDot, themeStyles } from './theme.styles.js';

export const presenceDotStyles = [
  themeStyles,
  cornerDot,
  stateDot,
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
    /* A round avatar: the dot's centre on the circle at 45°, (1 - cos 45°) / 2 of the width in from each edge. */
    .round [part~='dot'] {
      --_centre: 14.645%;
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
