import { html, type Safe } from '../html.js';
import type { SimulatorState } from '../simulator.js';
import { USERS } from '../users.js';
import { avatar, statusLabel, type View } from '../view.js';

export interface PanelContext {
  state: SimulatorState;
  timeoutSeconds: number;
  marginSeconds: number;
  writeSeconds: number;
}

const ACTIVITY_TEXT = { active: 'browsing', crowd: 'in the crowd', idle: 'idle', left: 'no tab open' } as const;

/** The window in words, so a designer knows how long to wait for a dot to turn grey. */
export function windowSummary(p: Pick<PanelContext, 'timeoutSeconds' | 'marginSeconds' | 'writeSeconds'>): Safe {
  return html`<dl class="window-facts">
      <div>
        <dt>Online window</dt>
        <dd data-window-timeout>${p.timeoutSeconds} s</dd>
      </div>
      <div>
        <dt>Grace margin</dt>
        <dd data-window-margin>${p.marginSeconds} s</dd>
      </div>
      <div>
        <dt>Writes at most every</dt>
        <dd>${p.writeSeconds} s</dd>
      </div>
    </dl>
    <p class="muted small">
      Green the moment someone makes a request; grey ${p.timeoutSeconds + p.marginSeconds} s after their last one
      (window + margin: quick on, slow off). Set <code>PRESENCE_TIMEOUT_SECONDS</code> and
      <code>PRESENCE_ONLINE_MARGIN_SECONDS</code> to change them. <strong>Idle</strong> stops someone browsing but
      leaves their tab open (a server with idle on shows them idle after its idle time); <strong>Leave</strong> closes
      it too.
    </p>`;
}

/**
 * Buttons that make simulated people browse (real requests through the activity
 * middleware) or stop. The dots and labels in the panel are live like any other.
 */
export function simulatorPanel(view: View, p: PanelContext, heading: 'h1' | 'h2' = 'h2'): Safe {
  const title = heading === 'h1' ? html`<h1 id="sim-title">Simulator</h1>` : html`<h2 id="sim-title">Simulator</h2>`;
  return html`<section class="simulator" data-simulator aria-labelledby="sim-title">
    <header class="simulator__head">
      ${title}
      <label class="switch"
        ><input type="checkbox" data-sim-crowd${p.state.crowd ? html` checked` : ''} /><span
          class="switch__track"
          aria-hidden="true"
        ></span>
        Crowd comes and goes</label
      >
    </header>
    ${windowSummary(p)}
    <ul class="simulator__list">
      ${USERS.map((u) => {
        const activity = p.state.users[u.uid] ?? 'left';
        return html`<li class="sim-row" data-sim-user="${u.uid}" data-activity="${activity}">
          ${avatar(view, u.uid, { size: 32 })}
          <span class="sim-row__who"
            ><span class="sim-row__name">${u.name}${u.uid === view.me?.uid ? ' (you)' : ''}</span
            >${statusLabel(view, u.uid)}</span
          >
          <span class="sim-row__activity" data-sim-activity>${ACTIVITY_TEXT[activity]}</span>
          <span class="sim-row__actions">
            <button
              type="button"
              class="btn btn--small"
              data-sim-action="active"
              data-uid="${u.uid}"
              aria-label="Make ${u.name} active"
            >
              Active
            </button>
            <button
              type="button"
              class="btn btn--small btn--ghost"
              data-sim-action="idle"
              data-uid="${u.uid}"
              aria-label="Let ${u.name} idle"
              title="Stops browsing, tab left open"
            >
              Idle
            </button>
            <button
              type="button"
              class="btn btn--small btn--ghost"
              data-sim-action="leave"
              data-uid="${u.uid}"
              aria-label="Let ${u.name} leave"
              title="Closes their tab"
            >
              Leave
            </button>
          </span>
        </li>`;
      })}
    </ul>
    <footer class="simulator__foot">
      <button type="button" class="btn btn--ghost" data-sim-action="idle-all">Everyone leaves</button>
      <p class="muted small" data-sim-message role="status"></p>
    </footer>
  </section>`;
}
