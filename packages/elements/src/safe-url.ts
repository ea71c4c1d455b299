/** Raster and vector images only: an `<img>` never runs script from these. */
const DATA_IMAGE = /^data:image\/(?:png|jpeg|gif|webp|avif|svg\+xml)[;,]/i;

/**
 * An avatar URL that is safe to put in `src`: http(s), relative (resolved against
 * the page) or a data: image. Anything else (`javascript:`, other schemes, junk) is
 * refused, and the avatar falls back to initials.
 */
export function safeImageUrl(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  const trimmed = url.trim();
  if (trimmed === '') return null;
  if (DATA_IMAGE.test(trimmed)) return trimmed;
  try {
    const parsed = new URL(trimmed, document.baseURI);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** `Ada Lovelace` → `AL`: the avatar for someone without a picture. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]!, words[words.length - 1]!] : words;
  return letters.map((word) => [...word][0]!.toUpperCase()).join('') || '?';
}
