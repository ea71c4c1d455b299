import { compareRosterEntries, type Roster, type RosterEntry } from '@presence-kit/core';

/**
 * The roster from untrusted JSON (the server-rendered `<script type="application/json">`
 * or a frame): malformed entries are dropped, never thrown on.
 */
export function readRoster(value: unknown): Roster | null {
  if (typeof value !== 'object' || value === null) return null;
  const users = (value as { users?: unknown }).users;
  if (!Array.isArray(users)) return null;
  const entries: RosterEntry[] = [];
  for (const item of users as unknown[]) {
    const entry = readEntry(item);
    if (entry) entries.push(entry);
  }
  entries.sort(compareRosterEntries);
  // A window (`max`) states everyone's count beside the first few people.
  const count = (value as { count?: unknown }).count;
  return {
    count: typeof count === 'number' && Number.isInteger(count) && count > entries.length ? count : entries.length,
    users: entries,
  };
}

function readEntry(item: unknown): RosterEntry | null {
  if (typeof item !== 'object' || item === null) return null;
  const { uid, name, avatar, last_seen, idle } = item as Record<string, unknown>;
  if (typeof uid !== 'string' && typeof uid !== 'number') return null;
  const entry: RosterEntry = {
    uid: String(uid),
    name: typeof name === 'string' && name.trim() !== '' ? name : String(uid),
    avatar: typeof avatar === 'string' ? avatar : null,
    last_seen: typeof last_seen === 'number' ? last_seen : 0,
  };
  if (idle === true) entry.idle = true;
  return entry;
}

/** The server-rendered roster inside an element, if there is a readable one. */
export function initialRoster(host: Element): Roster | null {
  const script = host.querySelector(':scope > script[type="application/json"]');
  if (!script?.textContent) return null;
  try {
    return readRoster(JSON.parse(script.textContent));
  } catch {
    return null;
  }
}
