/**
 * Timestamps on the wire and in attributes are epoch milliseconds. Attributes written
 * by server templates may also be ISO-8601 strings; both parse here.
 */
export function parseTimestamp(value: string | number | null | undefined): number | null {
  if (value == null || value === '') return null;
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    const n = Number(trimmed);
    // Ten digits or fewer are epoch seconds (what many backends store); more are milliseconds.
    return n > 0 ? (trimmed.length <= 10 ? n * 1000 : n) : null;
  }
  const ms = Date.parse(trimmed);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * The offset to add to this machine's clock to get the server's: learnt from the
 * server time carried in every frame, so labels are immune to a wrong client clock.
 */
export function clockOffset(serverTime: number, localReceivedAt: number): number {
  return serverTime - localReceivedAt;
}
