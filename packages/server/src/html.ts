/**
 * Extra attributes for a server-rendered element, e.g. `{ endpoint: '/presence', class: 'big' }`.
 * Values are escaped; `true` writes a bare attribute, and `false`, `null` or `undefined` none.
 */
export type HtmlAttributes = Readonly<Record<string, string | number | boolean | null | undefined>>;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Escapes text for HTML content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
}

/** Names that cannot close the tag or smuggle in another attribute, so they need no escaping. */
const NAME = /^[A-Za-z_:][A-Za-z0-9_.:-]*$/;

/**
 * The attributes as ` name="value"…`, each escaped. `reserved` are the ones the kit writes
 * itself from the server's state: a second copy would be ignored by the browser, or would
 * contradict it, so asking for one is a mistake said out loud.
 */
export function attributesHtml(attributes: HtmlAttributes | undefined, reserved: readonly string[] = []): string {
  let html = '';
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (!NAME.test(name)) {
      throw new TypeError(
        `presence-kit: ${JSON.stringify(name)} is not an attribute name; use letters, digits and - _ . : only.`,
      );
    }
    if (reserved.includes(name.toLowerCase())) {
      throw new TypeError(
        `presence-kit: the kit sets \`${name}\` itself from the server's state; leave it out of \`attributes\`.`,
      );
    }
    if (value === false || value === null || value === undefined) continue;
    html += value === true ? ` ${name}` : ` ${name}="${escapeHtml(String(value))}"`;
  }
  return html;
}
