import {
  EVENT,
  PROTOCOL_VERSION,
  applyRosterFrame,
  decodeStatuses,
  type HelloFrame,
  type PresenceWindow,
  type Roster,
  type RosterDeltaFrame,
  type RosterWindowFrame,
  type StatusFrame,
  type SubscribeRequest,
  type Uid,
  type UserStatus,
} from '@presence-kit/core';
import { diagnoseStream } from './stream-diagnosis.js';
import type { RetryOptions, StatusList, SubscriptionChange, TransportListener } from './transport.js';

/** What a connection knew as of `position`: enough for the next one to subscribe with `known` + `since`. */
export interface ResumeState {
  position: string;
  statuses: StatusList;
}

/**
 * One protocol-2 session with the server: one EventSource (`/stream?v=2`) whose
 * subscription changes in place by `POST /subscribe`, one change in flight at a time so
 * the server applies them in order. It runs wherever the one connection lives (a tab, the
 * leader tab, the SharedWorker), so it uses nothing but EventSource, fetch and timers.
 *
 * After a drop it reopens with backoff and jitter and subscribes to everything again with
 * `known` + `since`, so the server sends only what flipped. A refusal that retrying cannot
 * fix (another protocol version, `maxUids`, a forbidden uid) is reported once, not retried.
 */
export class SessionConnection {
  readonly #endpoint: string;
  readonly #emit: TransportListener;
  readonly #minRetryMs: number;
  readonly #maxRetryMs: number;
  readonly #wanted = new Set<Uid>();
  #wantRoster = false;
  /** Sent to the server on this session (the server applied it, or will before answering). */
  #subscribed = new Set<Uid>();
  #rosterSubscribed = false;
  /** Add batches whose snapshot has not arrived, in the order they were posted (one snapshot each). */
  #awaiting: Uid[][] = [];
  #rosterAwaited = false;
  readonly #live = new Set<Uid>();
  #rosterLive = false;
  /** Refused uids are not asked for again until they are removed and added back. */
  readonly #refused = new Set<Uid>();
  /** Batches a 403 refused as a whole: tried again in halves to find the one uid at fault. */
  readonly #suspect: Uid[][] = [];
  /** Statuses as of `#position`, for `known` on the next subscribe. */
  readonly #cache = new Map<Uid, UserStatus>();
  #roster: Roster | null = null;
  #position: string | null = null;
  /** Server clock minus the device clock, from the last frame's `t`. */
  #offset = 0;
  #window: PresenceWindow = { timeoutSeconds: 60, marginSeconds: 20 };
  #source: EventSource | null = null;
  #sid: string | null = null;
  #posting = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #attempt = 0;
  /** Set once the server speaks another protocol: nothing is retried until a reload. */
  #stopped = false;

  constructor(endpoint: string, emit: TransportListener, options: RetryOptions = {}) {
    this.#endpoint = endpoint;
    this.#emit = emit;
    this.#minRetryMs = options.minRetryMs ?? 1000;
    this.#maxRetryMs = options.maxRetryMs ?? 30_000;
  }

  get connected(): boolean {
    return this.#sid !== null && this.#awaiting.length === 0 && !this.#rosterAwaited;
  }

  /** The server's clock as the last frame told it: what a frame made here (not by the server) is stamped with. */
  now(): number {
    return Date.now() + this.#offset;
  }

  get position(): string | null {
    return this.#position;
  }

  get window(): PresenceWindow {
    return this.#window;
  }

  /** What is vouched for now: live uids' statuses and the roster, for a newcomer to a shared connection. */
  liveStatus(uid: Uid): UserStatus | undefined {
    return this.#live.has(uid) ? this.#cache.get(uid) : undefined;
  }

  get liveRoster(): Roster | null {
    return this.#rosterLive ? this.#roster : null;
  }

  /** What a previous page (or connection) knew: used for `known` + `since` while this one watches nothing. */
  seed(state: ResumeState): void {
    // A connection that watches something knows better; an idle one (every tab navigated away) takes the newer page's word.
    if (this.#wanted.size > 0 || this.#wantRoster) return;
    this.#position = state.position;
    for (const [uid, status] of state.statuses) if (!this.#live.has(uid)) this.#cache.set(uid, status);
  }

  resumeState(): ResumeState | null {
    return this.#position === null ? null : { position: this.#position, statuses: [...this.#cache] };
  }

  update(change: SubscriptionChange): void {
    for (const uid of change.remove) {
      this.#wanted.delete(uid);
      this.#refused.delete(uid);
      // The server stops telling us about it: what we know goes stale, so it must not be `known`.
      this.#cache.delete(uid);
      this.#live.delete(uid);
    }
    for (const uid of change.add) this.#wanted.add(uid);
    this.#wantRoster = change.roster;
    if (this.#wanted.size === 0 && !this.#wantRoster) this.close();
    else if (this.#source === null && this.#retryTimer === undefined) this.#open();
    else void this.#flush();
  }

  reconnectNow(): void {
    if (this.#retryTimer === undefined) return;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#open();
  }

  #open(): void {
    if (this.#stopped) return;
    const url = `${this.#endpoint}/stream?v=${PROTOCOL_VERSION}`;
    const source = new EventSource(url);
    this.#source = source;
    const mine = (handler: (event: MessageEvent<string>) => void) => (event: Event) => {
      if (source === this.#source) handler(event as MessageEvent<string>);
    };
    source.addEventListener(EVENT.hello, mine((e) => this.#onHello(e)));
    source.addEventListener(EVENT.snapshot, mine((e) => this.#onSnapshot(e)));
    source.addEventListener(EVENT.presence, mine((e) => this.#onPresence(e)));
    source.addEventListener(EVENT.roster, mine((e) => this.#onRoster(e)));
    source.addEventListener('error', () => {
      if (source === this.#source) void this.#onError(url);
    });
  }

  #onHello(event: MessageEvent<string>): void {
    const hello = parse<HelloFrame>(event);
    if (!hello || hello.v !== PROTOCOL_VERSION || typeof hello.sid !== 'string') return;
    const [timeoutSeconds, marginSeconds] = Array.isArray(hello.window) ? hello.window : [];
    if (typeof timeoutSeconds === 'number' && typeof marginSeconds === 'number') this.#window = { timeoutSeconds, marginSeconds };
    this.#sid = hello.sid;
    this.#offset = hello.t - Date.now();
    this.#attempt = 0;
    void this.#flush();
  }

  #onSnapshot(event: MessageEvent<string>): void {
    const frame = parse<StatusFrame>(event);
    const batch = this.#awaiting.shift();
    if (!frame || !batch) return;
    this.#advance(event, frame.t);
    const fresh = decodeStatuses(frame);
    const users: StatusList = [];
    for (const uid of batch) {
      // Left out of the frame: `known` and unchanged since `since`, so what we kept still holds.
      const status = fresh[uid] ?? this.#cache.get(uid);
      if (!status || !this.#wanted.has(uid)) continue;
      this.#cache.set(uid, status);
      this.#live.add(uid);
      users.push([uid, status]);
    }
    this.#emit({ type: 'snapshot', t: frame.t, window: this.#window, users, covered: [...this.#live], roster: this.#rosterLive, position: this.#position });
  }

  #onPresence(event: MessageEvent<string>): void {
    const frame = parse<StatusFrame>(event);
    if (!frame) return;
    this.#advance(event, frame.t);
    const users: StatusList = [];
    for (const [uid, status] of Object.entries(decodeStatuses(frame))) {
      if (!this.#subscribed.has(uid)) continue;
      this.#cache.set(uid, status);
      if (this.#live.has(uid)) users.push([uid, status]);
    }
    this.#emit({ type: 'presence', t: frame.t, users, position: this.#position });
  }

  #onRoster(event: MessageEvent<string>): void {
    const frame = parse<RosterWindowFrame | RosterDeltaFrame>(event);
    if (!frame || typeof frame.count !== 'number' || !this.#rosterSubscribed) return;
    this.#advance(event, frame.t);
    if ('users' in frame) {
      this.#rosterAwaited = false;
      this.#rosterLive = true;
    } else if (!this.#roster) return;
    this.#roster = applyRosterFrame(this.#roster?.users ?? [], frame);
    this.#emit({ type: 'roster', t: frame.t, roster: this.#roster, position: this.#position });
  }

  #advance(event: MessageEvent<string>, t: number): void {
    this.#offset = t - Date.now();
    if (!event.lastEventId || event.lastEventId === this.#position) return;
    this.#position = event.lastEventId;
    // What a previous page left for uids not subscribed is true only as of the old position.
    if (this.#cache.size > this.#subscribed.size) for (const uid of this.#cache.keys()) if (!this.#subscribed.has(uid)) this.#cache.delete(uid);
  }

  /** Sends what changed since the last change, once the previous one has been answered. */
  async #flush(): Promise<void> {
    const sid = this.#sid;
    if (sid === null || this.#posting) return;
    const suspect = this.#suspect.shift()?.filter((uid) => this.#wanted.has(uid) && !this.#subscribed.has(uid));
    const add = suspect ?? [...this.#wanted].filter((uid) => !this.#subscribed.has(uid) && !this.#refused.has(uid));
    const remove = suspect ? [] : [...this.#subscribed].filter((uid) => !this.#wanted.has(uid));
    const roster = !suspect && this.#wantRoster !== this.#rosterSubscribed;
    if (add.length === 0 && remove.length === 0 && !roster) {
      if (this.#suspect.length > 0) void this.#flush();
      return;
    }
    const body: SubscribeRequest = { sid };
    if (add.length > 0) body.add = add;
    if (remove.length > 0) body.remove = remove;
    if (roster) body.roster = this.#wantRoster ? {} : null;
    const known = this.#position === null ? [] : add.filter((uid) => this.#cache.has(uid));
    if (known.length > 0) body.known = known;
    if (this.#position !== null) body.since = this.#position;

    // Applied before the answer (the snapshot may arrive first), undone if refused.
    for (const uid of add) this.#subscribed.add(uid);
    for (const uid of remove) this.#subscribed.delete(uid);
    if (add.length > 0) this.#awaiting.push(add);
    if (roster) this.#setRosterSubscribed(this.#wantRoster);
    this.#posting = true;
    const answer = await postJson(`${this.#endpoint}/subscribe`, body);
    this.#posting = false;
    if (sid !== this.#sid) return;
    if (!answer.ok) this.#refuse(answer, add, roster);
    void this.#flush();
  }

  #setRosterSubscribed(on: boolean): void {
    this.#rosterSubscribed = on;
    this.#rosterAwaited = on;
    if (on) return;
    this.#rosterLive = false;
    this.#roster = null;
  }

  #refuse(answer: Refusal, add: Uid[], roster: boolean): void {
    // A session that ended (404) or a lost request: the stream drops too, and the reconnect resubscribes.
    if (answer.status === 404 || answer.status === 0) {
      this.#drop();
      this.#scheduleRetry();
      return;
    }
    this.#awaiting = this.#awaiting.filter((batch) => batch !== add);
    for (const uid of add) this.#subscribed.delete(uid);
    if (roster && this.#wantRoster) this.#setRosterSubscribed(false);
    if (answer.status === 403 && add.length > 1) {
      const half = Math.ceil(add.length / 2);
      this.#suspect.push(add.slice(0, half), add.slice(half));
      return;
    }
    for (const uid of add) this.#refused.add(uid);
    this.#emit({ type: 'failed', message: `presence-kit: the server refused a subscription change (${answer.status}): ${answer.message}` });
  }

  async #onError(url: string): Promise<void> {
    const greeted = this.#sid !== null;
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
    this.#scheduleRetry();
  }

  /** The session is gone: nothing is vouched for until the next one's snapshot. */
  #drop(): void {
    this.#source?.close();
    this.#source = null;
    this.#sid = null;
    this.#subscribed = new Set();
    this.#awaiting = [];
    this.#suspect.length = 0;
    const wasLive = this.#live.size > 0 || this.#rosterLive;
    this.#live.clear();
    this.#rosterSubscribed = this.#rosterAwaited = this.#rosterLive = false;
    if (wasLive) this.#emit({ type: 'dropped' });
  }

  #scheduleRetry(): void {
    if (this.#retryTimer !== undefined || this.#stopped) return;
    const ceiling = Math.min(this.#maxRetryMs, this.#minRetryMs * 2 ** this.#attempt);
    this.#attempt += 1;
    // Jitter spreads the reconnects of every browser after a server restart.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      if (this.#wanted.size > 0 || this.#wantRoster) this.#open();
    }, delay);
  }

  /** Ends the session and forgets what is wanted (nothing is, or another tab took over). */
  close(): void {
    this.#wanted.clear();
    this.#wantRoster = false;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#attempt = 0;
    this.#drop();
    this.#roster = null;
  }
}

interface Refusal {
  ok: false;
  /** 0 when the request never got an answer. */
  status: number;
  message: string;
}

async function postJson(url: string, body: SubscribeRequest): Promise<{ ok: true } | Refusal> {
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (response.ok) return { ok: true };
    const json = (await response.json().catch(() => null)) as { error?: { message?: unknown } } | null;
    const message = typeof json?.error?.message === 'string' ? json.error.message : response.statusText;
    return { ok: false, status: response.status, message };
  } catch (error) {
    return { ok: false, status: 0, message: String(error) };
  }
}

/** A frame from untrusted data: anything that is not a JSON object with a numeric `t` is dropped. */
function parse<T extends { t: number }>(event: MessageEvent<string>): T | null {
  try {
    const value = JSON.parse(event.data) as T | null;
    return typeof value === 'object' && value !== null && Number.isFinite(value.t) ? value : null;
  } catch {
    return null;
  }
}
