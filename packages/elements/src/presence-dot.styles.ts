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
