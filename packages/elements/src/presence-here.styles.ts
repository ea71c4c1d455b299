import { css } from 'lit';

/** What `<presence-here>` adds to `<online-now>`'s styles: each member's colour, and the page's own avatar marked. */
export const presenceHereStyles = css`
  [part~='item'] [part~='avatar'] {
    outline: 2px solid var(--presence-member-color, transparent);
    outline-offset: 1px;
  }
  [part~='me'] [part~='avatar'] {
    outline-style: dashed;
    outline-color: var(--presence-member-color, var(--presence-muted-color, #57606a));
  }
`;
