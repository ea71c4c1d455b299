import { LAST_MESSAGE, conversationWith } from '../content.js';
import { html, raw, type Safe } from '../html.js';
import { USERS, findUser, type DemoUser } from '../users.js';
import { avatar, statusLabel, type View } from '../view.js';

export function messagesBody(view: View, other: DemoUser): Safe {
  const me = view.me?.uid ?? 'guest';
  const people = USERS.filter((u) => u.uid !== view.me?.uid);
  // One room per conversation, the same name from either side.
  const room = `chat:${[me, other.uid].sort().join('.')}`;
  return html`<aside class="card conversations" aria-label="Conversations">
      <h2 class="panel-title">Messages</h2>
      <ul class="message-list">
        ${people.map(
          (u) =>
            html`<li>
              <a
                class="message-item${u.uid === other.uid ? ' is-current' : ''}"
                href="/messages/${u.uid}"
                ${u.uid === other.uid ? html` aria-current="page"` : ''}
              >
                ${avatar(view, u.uid, { size: 40, decorative: true })}
                <span class="message-item__text"
                  ><strong>${u.name}</strong
                  ><span class="muted truncate">${LAST_MESSAGE[u.uid] ?? 'Say hi'}</span></span
                >
              </a>
            </li>`,
        )}
      </ul>
    </aside>
    <section class="card conversation" aria-labelledby="conversation-title">
      <header class="conversation__head">
        <a href="/u/${other.uid}">${avatar(view, other.uid, { size: 44 })}</a>
        <div class="conversation__who">
          <h1 id="conversation-title" class="conversation__name">${other.name}</h1>
          ${statusLabel(view, other.uid)}
        </div>
        <div class="conversation__here">${raw(view.presence.renderHere(room, { max: 4, label: 'In this chat' }))}</div>
      </header>
      <ol class="bubbles">
        ${conversationWith(other.uid, me).map((m) => {
          const mine = m.from === me;
          const who = findUser(m.from);
          return html`<li class="bubble-row${mine ? ' bubble-row--mine' : ''}">
            ${mine || !who ? '' : avatar(view, who.uid, { size: 28 })}
            <div class="bubble">
              <p>${m.body}</p>
              <time class="muted small">${m.at}</time>
            </div>
          </li>`;
        })}
      </ol>
      <presence-typing class="conversation__typing" room="${room}"></presence-typing>
      <form class="composer composer--chat" onsubmit="return false" data-room-composer="${room}">
        <input class="composer__input" placeholder="Message ${other.name.split(' ')[0]}…" aria-label="Message" />
        <button class="btn" type="submit">Send</button>
      </form>
    </section>`;
}
