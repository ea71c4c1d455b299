/** Static demo content: presence is the only live thing on these pages. */
export interface Post {
  id: number;
  author: string;
  ago: string;
  body: string;
  tags: readonly string[];
  likes: number;
  comments: readonly { author: string; ago: string; body: string }[];
}

export const POSTS: readonly Post[] = [
  {
    id: 1,
    author: 'grace',
    ago: '12m',
    body: 'Shipped the new compiler pass today. Nanoseconds are about a foot long, so I keep a bundle of wires on my desk to show people why latency matters.',
    tags: ['compilers', 'performance'],
    likes: 42,
    comments: [
      { author: 'ada', ago: '9m', body: 'Love the wire trick. Can we put one in the office?' },
      { author: 'ken', ago: '4m', body: 'Benchmarks or it did not happen :)' },
    ],
  },
  {
    id: 2,
    author: 'margaret',
    ago: '38m',
    body: 'Reminder for everyone on call this week: when the alarms start, read the priority display before you touch anything. The system is telling you what matters.',
    tags: ['on-call', 'reliability'],
    likes: 87,
    comments: [{ author: 'katherine', ago: '30m', body: 'Printed and pinned next to my monitor.' }],
  },
  {
    id: 3,
    author: 'radia',
    ago: '1h',
    body: 'Wrote a short poem about spanning trees for the networking meetup. The loops are gone and so is my weekend.',
    tags: ['networking'],
    likes: 23,
    comments: [
      { author: 'edsger', ago: '52m', body: 'Shortest path to my heart.' },
      { author: 'barbara', ago: '41m', body: 'Reading it at the next all-hands, with your permission.' },
      { author: 'linus', ago: '20m', body: 'Patch: s/weekend/long weekend/' },
    ],
  },
  {
    id: 4,
    author: 'dennis',
    ago: '3h',
    body: 'Small tools that do one thing well, joined by pipes. Still the best architecture diagram I know.',
    tags: ['unix'],
    likes: 120,
    comments: [{ author: 'frances', ago: '2h', body: 'And a compiler that makes the pipes fast.' }],
  },
];

export interface Message {
  from: string;
  body: string;
  at: string;
}

/** One conversation per cast member, seen from whoever is signed in. */
export function conversationWith(other: string, me: string): Message[] {
  return [
    { from: other, body: 'Hey! Did you get a chance to look at the design review?', at: '10:02' },
    { from: me, body: 'Just finished. The dots read well at every size, even 16px.', at: '10:04' },
    { from: other, body: 'Great. Can you check the dark theme too? The grey felt a bit loud.', at: '10:05' },
    { from: me, body: 'On it. I will tweak --presence-offline-color and send a screenshot.', at: '10:07' },
  ];
}

export const LAST_MESSAGE: Readonly<Record<string, string>> = {
  grace: 'Can you check the dark theme too?',
  linus: 'Patch attached, please review.',
  margaret: 'On-call handover at 5?',
  katherine: 'Numbers check out.',
  ken: 'Lunch at noon?',
  radia: 'Sent you the poem draft.',
  alan: 'Let us continue tomorrow.',
  barbara: 'Agreed on the interface.',
};
