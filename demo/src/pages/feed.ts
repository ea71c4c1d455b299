import { POSTS, LAST_MESSAGE } from '../content.js';
import { html, raw, type Safe } from '../html.js';
import { findUser } from '../users.js';
import { icon } from '../icons.js';
import { avatar, avatarLink, type View } from '../view.js';

function sidebar(view: View): Safe {
  return html`<aside class="sidebar" aria-label="Navigation and who is online">
    ${
      view.me
        ? html`<a class="sidebar__me" href="/u/${view.me.uid}"
            >${avatar(view, view.me.uid, { size: 48 })}
            <span><strong>${view.me.name}</strong><span class="muted">@${view.me.handle}</span></span></a
          >`
        : html`<p class="sidebar__guest muted">
            You are browsing as a guest, so you are not shown online. Pick someone in the top-right menu.
          </p>`
    }
    <nav class="sidebar__nav" aria-label="Sections">
      <a href="/" aria-current="page">${icon('home')} Home</a>
      <a href="/messages">${icon('chat')} Messages</a>
      <a href="/docs/roadmap">${icon('home')} Shared doc</a>
      <a href="/gallery">${icon('palette')} Gallery</a>
      <a href="/simulator">${icon('sliders')} Simulator</a>
    </nav>
    <div class="online-panel">${raw(view.presence.renderRoster({ max: 12, 'names-toggle': true }))}</div>
  </aside>`;
}

function post(view: View, p: (typeof POSTS)[number]): Safe {
  const author = findUser(p.author)!;
  return html`<article class="card post" aria-labelledby="post-${p.id}-author">
    <header class="post__head">
      ${avatarLink(author.uid, avatar(view, author.uid, { size: 44 }))}
      <div>
        <a id="post-${p.id}-author" class="post__author" href="/u/${author.uid}">${author.name}</a>
        <span class="muted">@${author.handle} · ${p.ago}</span>
      </div>
    </header>
    <p class="post__body">${p.body}</p>
    <p class="post__tags">${p.tags.map((t) => html`<span class="tag">#${t}</span>`)}</p>
    <footer class="post__meta muted">
      <span>${icon('heart')} ${p.likes}</span><span>${icon('chat')} ${p.comments.length}</span>
    </footer>
    <ul class="comments">
      ${p.comments.map((c) => {
        const who = findUser(c.author)!;
        return html`<li class="comment">
          ${avatarLink(who.uid, avatar(view, who.uid, { size: 28 }))}
          <div class="comment__bubble">
            <a class="comment__author" href="/u/${who.uid}">${who.name}</a> <span class="muted small">${c.ago}</span>
            <p>${c.body}</p>
          </div>
        </li>`;
      })}
    </ul>
  </article>`;
}

function messages(view: View): Safe {
  const others = Object.keys(LAST_MESSAGE).filter((uid) => uid !== view.me?.uid);
  return html`<aside class="rail" aria-labelledby="messages-title">
    <section class="card">
      <h2 id="messages-title" class="panel-title">Messages</h2>
      <ul class="message-list">
        ${others.map((uid) => {
          const u = findUser(uid)!;
          return html`<li>
            <a class="message-item" href="/messages/${uid}">
              ${avatar(view, uid, { size: 40, decorative: true })}
              <span class="message-item__text"
                ><strong>${u.name}</strong><span class="muted truncate">${LAST_MESSAGE[uid]}</span></span
              >
            </a>
          </li>`;
        })}
      </ul>
    </section>
  </aside>`;
}

export function feedBody(view: View): Safe {
  return html`${sidebar(view)}
    <section class="feed" aria-labelledby="feed-title">
      <h1 id="feed-title" class="visually-hidden">Feed</h1>
      <form class="card composer" onsubmit="return false">
        ${view.me ? avatar(view, view.me.uid, { size: 40 }) : ''}
        <input class="composer__input" placeholder="Share something with the team…" aria-label="New post" />
        <button class="btn" type="submit">Post</button>
      </form>
      ${POSTS.map((p) => post(view, p))}
    </section>
    ${messages(view)}`;
}
