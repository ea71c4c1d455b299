import { POSTS } from '../content.js';
import { html, type Safe } from '../html.js';
import type { DemoUser } from '../users.js';
import { avatar, statusLabel, type View } from '../view.js';

export function profileBody(view: View, user: DemoUser): Safe {
  const posts = POSTS.filter((p) => p.author === user.uid);
  return html`<article class="profile card">
      <div class="profile__cover" style="--from:${user.colors[0]};--to:${user.colors[1]}"></div>
      <header class="profile__head">
        <div class="profile__avatar">${avatar(view, user.uid, { size: 128 })}</div>
        <div class="profile__who">
          <h1 class="profile__name">${user.name}</h1>
          <p class="muted">@${user.handle} · ${user.role}</p>
          <p class="profile__status" data-profile-status>${statusLabel(view, user.uid)}</p>
        </div>
        <div class="profile__actions">
          <a class="btn" href="/messages/${user.uid}">Message</a>
          <a class="btn btn--ghost" href="/signin?as=${user.uid}&amp;next=/u/${user.uid}"
            >Sign in as ${user.name.split(' ')[0]}</a
          >
        </div>
      </header>
      <p class="profile__bio">${user.bio}</p>
    </article>
    <section class="profile__posts">
      <h2 class="panel-title">Posts</h2>
      ${
        posts.length === 0
          ? html`<p class="muted card">No posts yet.</p>`
          : posts.map(
              (p) =>
                html`<article class="card post">
                  <div class="post__head">
                    ${avatar(view, user.uid, { size: 32 })}<span class="muted">${p.ago}</span>
                  </div>
                  <p class="post__body">${p.body}</p>
                </article>`,
            )
      }
    </section>`;
}
