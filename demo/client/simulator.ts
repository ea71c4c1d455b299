type Activity = 'active' | 'crowd' | 'idle' | 'left';
interface SimulatorState {
  crowd: boolean;
  users: Record<string, Activity>;
}

const ACTIVITY_TEXT: Record<Activity, string> = {
  active: 'browsing',
  crowd: 'in the crowd',
  idle: 'idle',
  left: 'no tab open',
};

async function post(path: string, body: unknown): Promise<SimulatorState> {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json: unknown = await res.json();
  if (!res.ok) throw new Error((json as { error?: { message?: string } }).error?.message ?? `HTTP ${res.status}`);
  return json as SimulatorState;
}

/** Every simulator panel on the page shows the same state (the drawer and the page are one simulator). */
function render(doc: Document, state: SimulatorState): void {
  for (const box of doc.querySelectorAll<HTMLInputElement>('[data-sim-crowd]')) box.checked = state.crowd;
  for (const row of doc.querySelectorAll<HTMLElement>('[data-sim-user]')) {
    const activity = state.users[row.dataset.simUser ?? ''] ?? 'left';
    row.dataset.activity = activity;
    const label = row.querySelector('[data-sim-activity]');
    if (label) label.textContent = ACTIVITY_TEXT[activity];
  }
}

function say(doc: Document, message: string): void {
  for (const el of doc.querySelectorAll('[data-sim-message]')) el.textContent = message;
}

/**
 * The simulator's buttons. The server makes the real requests as the simulated
 * users; the dots and the roster then change through the page's one presence stream.
 */
export function wireSimulator(doc: Document): void {
  doc.addEventListener('click', (event) => {
    const button = (event.target as Element).closest<HTMLButtonElement>('[data-sim-action]');
    if (!button) return;
    const action = button.dataset.simAction;
    const uid = button.dataset.uid;
    const request =
      action === 'idle-all'
        ? post('/api/simulator/idle-all', {})
        : post(`/api/simulator/${action === 'active' ? 'active' : action === 'leave' ? 'leave' : 'idle'}`, { uid });
    button.disabled = true;
    request
      .then((state) => {
        render(doc, state);
        const who = button.closest('[data-sim-user]')?.querySelector('.sim-row__name')?.textContent ?? '';
        say(
          doc,
          action === 'active'
            ? `${who} is browsing: watch the dots turn green.`
            : action === 'idle'
              ? `${who} stopped, tab left open: idle after the idle time (idle on), else grey after the window and margin.`
              : action === 'leave'
                ? `${who} closed their tab: offline once the server sees their last page go.`
                : 'Everyone stopped browsing and closed their tabs.',
        );
      })
      .catch((error: unknown) => say(doc, String(error instanceof Error ? error.message : error)))
      .finally(() => {
        button.disabled = false;
      });
  });
  doc.addEventListener('change', (event) => {
    const box = event.target as HTMLInputElement;
    if (!box.matches('[data-sim-crowd]')) return;
    post('/api/simulator/crowd', { on: box.checked })
      .then((state) => {
        render(doc, state);
        say(doc, state.crowd ? 'The crowd is coming and going.' : 'The crowd went home.');
      })
      .catch((error: unknown) => say(doc, String(error instanceof Error ? error.message : error)));
  });
}
