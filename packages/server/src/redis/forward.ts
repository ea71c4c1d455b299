import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { FaultLog } from '../fault-log.js';
import {
  changeFromWire,
  changeToWire,
  processOfSid,
  type ForwardResult,
  type WireChange,
} from '../forwarded-change.js';
import type { Refusal, SubscriptionChange } from '../subscribe.js';
import type { RedisKeys } from './keys.js';

/** How long a forwarded subscribe waits for the node holding the session. */
const REPLY_TIMEOUT_MS = 2000;
/** Forwarded subscribes waiting for a reply, at most: past it, new ones are refused. */
const MAX_WAITING = 1000;

/** The answer when the holder could not be asked (Redis down or stalled): the session may well be alive. */
const UNREACHABLE: Refusal = {
  status: 503,
  code: 'unavailable',
  message: 'The node holding this presence session cannot be reached while Redis is unavailable; retry shortly.',
};

type Message = { q: string; from: string; change: WireChange } | { a: string; result: ForwardResult };

/**
 * `POST /subscribe` for a session another node holds, with no sticky sessions: a sid starts
 * with its node's id, so the node that got the request publishes the change (already
 * authorized there, where the request is) on that node's channel, and the holder applies
 * it to its session and publishes the answer back. Nobody listening on the channel (the
 * node is gone) answers at once: the session has ended. With Redis unreachable the holder
 * cannot be asked: 503, retry.
 */
export class Forwarder {
  readonly #waiting = new Map<string, (result: ForwardResult) => void>();

  constructor(
    readonly redis: Redis,
    /** A connection of its own, in subscriber mode. */
    readonly subscriber: Redis,
    readonly keys: RedisKeys,
    readonly node: string,
    readonly faults: FaultLog,
    readonly handle: (change: SubscriptionChange) => Promise<ForwardResult>,
    /** The same connection carries the leader's nudges. */
    readonly nudged: () => void,
  ) {}

  async start(): Promise<void> {
    // ioredis subscribes again by itself after a reconnect.
    this.subscriber.on('message', (channel: string, text: string) => {
      if (channel === this.keys.nudge) this.nudged();
      else void this.#received(text);
    });
    await this.subscriber.subscribe(this.keys.node(this.node), this.keys.nudge);
  }

  async forward(change: SubscriptionChange): Promise<ForwardResult> {
    const holder = processOfSid(change.sid);
    if (holder === null || this.#waiting.size >= MAX_WAITING) return null;
    const id = randomBytes(9).toString('base64url');
    const wire = changeToWire(change);
    const reply = new Promise<ForwardResult>((resolve) => {
      const timer = setTimeout(() => settle(UNREACHABLE), REPLY_TIMEOUT_MS);
      const settle = (result: ForwardResult) => {
        clearTimeout(timer);
        this.#waiting.delete(id);
        resolve(result);
      };
      this.#waiting.set(id, settle);
    });
    try {
      const listeners = await this.redis.publish(
        this.keys.node(holder),
        JSON.stringify({ q: id, from: this.node, change: wire } satisfies Message),
      );
      if (listeners === 0) this.#waiting.get(id)?.(null);
    } catch (error) {
      this.faults.failed('forwarding a subscribe', error);
      this.#waiting.get(id)?.(UNREACHABLE);
    }
    return reply;
  }

  close(): void {
    for (const settle of [...this.#waiting.values()]) settle(null);
    this.subscriber.disconnect();
  }

  async #received(text: string): Promise<void> {
    let message: Message;
    try {
      message = JSON.parse(text) as Message;
    } catch {
      return;
    }
    if ('a' in message) {
      this.#waiting.get(message.a)?.(message.result);
      return;
    }
    const result = await this.handle(changeFromWire(message.change));
    try {
      await this.redis.publish(
        this.keys.node(message.from),
        JSON.stringify({ a: message.q, result } satisfies Message),
      );
    } catch (error) {
      this.faults.failed('answering a forwarded subscribe', error);
    }
  }
}
