/** The fields of one SSE message, written in this order; a blank line ends it. */
export interface SseMessage {
  /** A comment line (`:` then the text): keep-alives, ignored by EventSource. */
  comment?: string;
  /** The reconnection delay the client should use, in ms. */
  retry?: number;
  event?: string;
  /** The event id: EventSource keeps the last one as `lastEventId`, which is how a client knows where it stands. */
  id?: string;
  /** The payload; each line of it becomes its own `data:` line, as the format requires. */
  data?: string;
}

/**
 * Frames one SSE message, for the relay's fan-out and the routes' first frames alike.
 * A name, id or comment with a line break would start a field of its own, so it is refused.
 */
export function sseFrame(message: SseMessage): string {
  let text = '';
  if (message.comment !== undefined) text += `:${singleLine(message.comment, 'comment')}\n`;
  if (message.retry !== undefined) text += `retry: ${Math.max(0, Math.trunc(message.retry))}\n`;
  if (message.event !== undefined) text += `event: ${singleLine(message.event, 'event name')}\n`;
  if (message.id !== undefined) text += `id: ${singleLine(message.id, 'event id')}\n`;
  if (message.data !== undefined) for (const line of message.data.split(/\r\n|\r|\n/)) text += `data: ${line}\n`;
  return `${text}\n`;
}

function singleLine(text: string, what: string): string {
  if (/[\r\n]/.test(text)) throw new TypeError(`presence-kit: an SSE ${what} must be one line.`);
  return text;
}
