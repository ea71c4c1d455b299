import { css } from 'lit';
import { stateDot, themeStyles } from './theme.styles.js';

export const presenceStatusStyles = [
  themeStyles,
  stateDot,
  css`
    :host {
      display: inline;
      color: var(--_muted);
    }
    :host([state='online']) {
      color: var(--_text);
    }
    [part~='base'] {
      display: inline-flex;
      align-items: center;
      gap: var(--presence-status-gap, 0.375em);
    }
    [part~='dot'] {
      flex: none;
      width: var(--presence-dot-size, 0.5em);
      aspect-ratio: 1;
      border-radius: 50%;
    }
    :host([no-dot]) [part~='dot'] {
      display: none;
    }
  `,
];
