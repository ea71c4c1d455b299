import {
  EVENT,
  PROTOCOL_VERSION,
  ROOM_EVENT,
  type RoomName,
  type RoomView,
  type PresenceWindow,
  type Roster,
  type Uid,
  type UserStatus,
} from '@presence-kit/core';
import { ReconnectBackoff } from './reconnect-backoff.js';
import { ResumePoint, type ResumeState } from './resume-point.js';
import { SessionFrames } from './session-frames.js';
import { diagnoseStream } from './stream-diagnosis.js';
import { SubscriptionSender } from './subscription-sender.js';
import type { RetryOptions, SubscriptionChange, TransportListener } from './transport.js';

/**
 * One protocol-2 session with the server: one EventSource (`/stream?v=2`) whose
 * subscription changes in place by `POST /subscribe` (`subscription-sender.ts`), its frames
 * decoded by `session-frames.ts`. It runs wherever the one connection lives (a tab, the
 * leader tab, the SharedWorker), so it uses nothing but EventSource, fetch and timers.
 *
 * After a drop it reopens with backoff and jitter and subscribes to everything again with
 * `known` + `since`, so the server sends only what flipped. A refusal that retrying cannot
 * fix (another protocol version, `maxUids`, a forbidden uid) is reported once, not retried.
 */
export class SessionConnection {
  readonly #endpoint: string;
  readonly #emit: TransportListener;
  readonly #backoff: ReconnectBackoff;
  /** Statuses as of the last frame's position: moved by the frames, offered by the sender as `known` + `since`. */
  readonly #known = new ResumePoint();
  readonly #subscription: SubscriptionSender;
  readonly #frames: SessionFrames;
  #source: EventSource | null = null;
  /** Set once the server speaks another protocol: nothing is retried until a reload. */
  #stopped = false;

  constructor(endpoint: string, emit: TransportListener, options: RetryOptions = {}) {
    this.#endpoint = endpoint;
    this.#emit = emit;
    this.#backoff = new ReconnectBackoff(options);
    this.#subscription = new SubscriptionSender(endpoint, this.#known, {
      lost: () => {
        this.#drop();
        this.#retryLater();
      },
      refused: (message) => emit({ type: 'failed', message }),
      rosterOff: () => this.#frames.rosterOff(),
      roomRefused: (room, message) => {
        emit({ type: 'room', t: this.now(), room, view: null, refused: message });
        emit({ type: 'failed', message });
      },
    });
    this.#frames = new SessionFrames(this.#subscription, this.#known, emit);
  }

  get connected(): boolean {
    return this.#subscription.caughtUp;
  }

  /** The server's clock as the last frame told it: what a frame made here (not by the server) is stamped with. */
  now(): number {
    return this.#frames.now();
  }

  get position(): string | null {
    return this.#known.position;
  }

  get window(): PresenceWindow {
    return this.#frames.window;
  }

  get writeSeconds(): number {
    return this.#frames.writeSeconds;
  }

  /** What is vouched for now: live uids' statuses and the roster, for a newcomer to a shared connection. */
  liveStatus(uid: Uid): UserStatus | undefined {
    return this.#frames.liveStatus(uid);
  }

  get liveRoster(): Roster | null {
    return this.#frames.liveRoster;
  }

  /** A room the session is in and has its frames for: a tab entering it too needs no request. */
  liveRoom(room: RoomName): { view: RoomView } | undefined {
    const view = this.#frames.liveRoom(room);
    return view && { view };
  }

  /** What a previous page (or connection) knew: used for `known` + `since` while this one watches nothing. */
  seed(state: ResumeState): void {
    // A connection that watches something knows better; an idle one (every tab navigated away) takes the newer page's word.
    if (!this.#subscription.wantsAnything) this.#frames.seed(state);
  }

  resumeState(): ResumeState | null {
    return this.#known.resumeState();
  }

  update(change: SubscriptionChange): void {
    this.#subscription.want(change);
    this.#frames.forget(change.remove);
    this.#frames.forgetRooms((room) => room in (change.rooms ?? {}));
    if (!this.#subscription.wantsAnything) this.close();
    else if (this.#source === null && !this.#backoff.waiting) this.#open();
    else void this.#subscription.flush();
  }

  reconnectNow(): void {
    if (this.#backoff.cancel()) this.#open();
  }

  /** Ends the session and forgets what is wanted (nothing is, or another tab took over). */
  close(): void {
    this.#subscription.unwantAll();
    this.#backoff.cancel();
    this.#backoff.reset();
    this.#drop();
    this.#frames.rosterOff();
  }

  #open(): void {
    if (this.#stopped) return;
    const url = `${this.#endpoint}/stream?v=${PROTOCOL_VERSION}`;
    const source = new EventSource(url);
    this.#source = source;
    // A replaced source's late events belong to a session that is over.
    const mine = (handler: (event: MessageEvent<string>) => void) => (event: Event) => {
      if (source === this.#source) handler(event as MessageEvent<string>);
    };
    source.addEventListener(
      EVENT.hello,
      mine((e) => this.#onHello(e)),
    );
    source.addEventListener(
      EVENT.snapshot,
      mine((e) => this.#frames.snapshot(e)),
    );
    source.addEventListener(
      EVENT.presence,
      mine((e) => this.#frames.presence(e)),
    );
    source.addEventListener(
      EVENT.roster,
      mine((e) => this.#frames.roster(e)),
    );
    source.addEventListener(
      ROOM_EVENT,
      mine((e) => this.#frames.room(e)),
    );
    source.addEventListener('error', () => {
      if (source === this.#source) void this.#onError(url);
    });
  }

  #onHello(event: MessageEvent<string>): void {
    const sid = this.#frames.hello(event);
    if (sid === null) return;
    this.#backoff.reset();
    this.#subscription.begin(sid);
  }

  async #onError(url: string): Promise<void> {
    const greeted = this.#subscription.greeted;
    this.#drop();
    if (!greeted) {
      // EventSource hides the status of a refused stream: ask once, to say why instead of retrying blindly.
      const refusal = await diagnoseStream(url);
      if (refusal) {
        this.#stopped = true;
        this.#emit({ type: 'failed', message: refusal });
        return;
      }
    }
    this.#retryLater();
  }

  /** The session is gone: nothing is vouched for until the next one's snapshot. */
  #drop(): void {
    this.#source?.close();
    this.#source = null;
    this.#subscription.end();
    if (this.#frames.drop()) this.#emit({ type: 'dropped' });
  }

  #retryLater(): void {
    if (this.#stopped) return;
    this.#backoff.schedule(() => {
      if (this.#subscription.wantsAnything) this.#open();
    });
  }
}
