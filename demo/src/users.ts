/** The demo's cast. Uids are readable slugs so URLs and the simulator read well. */
export interface DemoUser {
  uid: string;
  name: string;
  handle: string;
  role: string;
  bio: string;
  /** Two colours for the generated avatar's gradient. */
  colors: readonly [string, string];
}

export const USERS: readonly DemoUser[] = [
  {
    uid: 'ada',
    name: 'Ada Lovelace',
    handle: 'ada',
    role: 'Analytical engines',
    bio: 'Writing the first program, one punched card at a time.',
    colors: ['#7c3aed', '#db2777'],
  },
  {
    uid: 'grace',
    name: 'Grace Hopper',
    handle: 'grace',
    role: 'Compilers',
    bio: 'It is easier to ask forgiveness than it is to get permission.',
    colors: ['#0ea5e9', '#6366f1'],
  },
  {
    uid: 'linus',
    name: 'Linus Park',
    handle: 'linus',
    role: 'Kernel maintainer',
    bio: 'Patches welcome. Tabs, not spaces.',
    colors: ['#f59e0b', '#ef4444'],
  },
  {
    uid: 'margaret',
    name: 'Margaret Hamilton',
    handle: 'margaret',
    role: 'Flight software',
    bio: 'Priority displays saved the landing.',
    colors: ['#10b981', '#0ea5e9'],
  },
  {
    uid: 'alan',
    name: 'Alan Turing',
    handle: 'alan',
    role: 'Computability',
    bio: 'Can machines think? Ask me again tomorrow.',
    colors: ['#64748b', '#0f172a'],
  },
  {
    uid: 'katherine',
    name: 'Katherine Johnson',
    handle: 'katherine',
    role: 'Orbital mechanics',
    bio: 'Checking the numbers by hand, twice.',
    colors: ['#ec4899', '#f97316'],
  },
  {
    uid: 'dennis',
    name: 'Dennis Ritchie',
    handle: 'dmr',
    role: 'Systems',
    bio: 'UNIX is basically a simple operating system.',
    colors: ['#22c55e', '#15803d'],
  },
  {
    uid: 'barbara',
    name: 'Barbara Liskov',
    handle: 'barbara',
    role: 'Abstraction',
    bio: 'Substitutability is a promise.',
    colors: ['#a855f7', '#6366f1'],
  },
  {
    uid: 'ken',
    name: 'Ken Thompson',
    handle: 'ken',
    role: 'Go, UTF-8, chess',
    bio: 'When in doubt, use brute force.',
    colors: ['#06b6d4', '#14b8a6'],
  },
  {
    uid: 'radia',
    name: 'Radia Perlman',
    handle: 'radia',
    role: 'Networking',
    bio: 'I think that I shall never see a graph more lovely than a tree.',
    colors: ['#f43f5e', '#a21caf'],
  },
  {
    uid: 'edsger',
    name: 'Edsger Dijkstra',
    handle: 'ewd',
    role: 'Structured programming',
    bio: 'Simplicity is prerequisite for reliability.',
    colors: ['#84cc16', '#65a30d'],
  },
  {
    uid: 'frances',
    name: 'Frances Allen',
    handle: 'fran',
    role: 'Optimizing compilers',
    bio: 'Making programs fast without making them wrong.',
    colors: ['#fb923c', '#e11d48'],
  },
];

const BY_UID = new Map(USERS.map((u) => [u.uid, u]));

export function findUser(uid: string | null | undefined): DemoUser | undefined {
  return uid ? BY_UID.get(uid) : undefined;
}

export function initials(name: string): string {
  return name
    .split(/\s+/)
    .map((part) => part[0] ?? '')
    .slice(0, 2)
    .join('')
    .toUpperCase();
}

export const avatarUrl = (uid: string): string => `/avatars/${encodeURIComponent(uid)}.svg`;
