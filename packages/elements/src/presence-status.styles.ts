import { css } from 'lit';
import { themeStyles } from './theme.styles.js';

export const presenceStatusStyles = [
  themeStyles,
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
      background: var(--_offline);
      transition: background-color var(--_duration) ease-out;
    }
    :host([state='online']) [part~='dot'] {
      background: var(--_online);
    }
    :host([no-dot]) [part~='dot'] {
      display: none;
    }
  `,
];
