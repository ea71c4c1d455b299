import { LOCK_PREFIX, newClientId } from './hub-protocol.js';

/**
 * A Web Lock this tab holds for as long as it lives, named for one client: whoever owns the
 * shared connection waits on it and is granted it only when the tab is gone (closed,
 * crashed, discarded), so a dead tab's interest is dropped even without a goodbye.
 * A new name per link, so a lock let go of at a relink never detaches the next link.
 * Returns its name, `granted` (send nothing that names it before: a hub asking first would
 * be granted it at once and take the tab for dead) and the function that lets go of it.
 */
export function holdTabLock(): { name: string; granted: Promise<void>; release: () => void } {
  const name = `${LOCK_PREFIX}:tab:${newClientId()}`;
  let release = (): void => {};
  let grant = (): void => {};
  const granted = new Promise<void>((resolve) => (grant = resolve));
  const held = new Promise<void>((resolve) => (release = resolve));
  void navigator.locks.request(name, () => {
    grant();
    return held;
  });
  return { name, granted, release };
}
