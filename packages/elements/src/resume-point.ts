import type { Uid, UserStatus } from '@presence-kit/core';
import type { StatusList } from './transport.js';

/** What a connection knew as of `position`: enough for the next one to subscribe with `known` + `since`. */
export interface ResumeState {
  position: string;
  statuses: StatusList;
}

/**
 * Statuses as of one stream position (`epoch:seq`), what a resume offers as `known` + `since`.
 * Kept by the connection (for its own resubscribe) and by each tab (for its next page): both
 * follow the same frames, so both forget the same way when the position moves on.
 */
export class ResumePoint {
  position: string | null = null;
  readonly statuses = new Map<Uid, UserStatus>();

  /** Moves to a newer frame's position; `followed` is what the stream still tells about. */
  advance(position: string | null, followed: ReadonlySet<Uid>): void {
    if (!position || position === this.position) return;
    this.position = position;
    // A status the stream no longer tells about is true only as of the old position: it cannot resume.
    if (this.statuses.size > followed.size)
      for (const uid of this.statuses.keys()) if (!followed.has(uid)) this.statuses.delete(uid);
  }

  resumeState(): ResumeState | null {
    return this.position === null ? null : { position: this.position, statuses: [...this.statuses] };
  }
}
