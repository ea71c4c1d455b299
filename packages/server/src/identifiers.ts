/** Table and column names come from configuration, never from requests, and are still checked. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Returns the name double-quoted for SQL, or throws a configuration error naming it. */
export function quoteIdentifier(name: string, what: string): string {
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
    throw new TypeError(
      `presence-kit: ${what} ${JSON.stringify(name)} is not a plain SQL identifier; use letters, digits and _ only.`,
    );
  }
  return `"${name}"`;
}
