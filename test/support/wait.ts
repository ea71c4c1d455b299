// Waiting in tests. No Node or DOM APIs here: vitest and the browser tests
// (packages/elements/test, served by web-test-runner) share this one module.

/** Resolves after `ms`: lets in-flight socket writes arrive, for asserting that nothing more came. */
export function settle(ms = 150): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `predicate` (awaited, every 25 ms) until it is truthy, for a condition a stream or
 * a socket will bring about; fails with `message` after `timeout` ms.
 */
export async function eventually(
  predicate: () => unknown | Promise<unknown>,
  message: string,
  timeout = 5000,
): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await predicate())) {
    if (Date.now() >= deadline) throw new Error(`Timed out after ${timeout} ms: ${message}`);
    await settle(25);
  }
}
