import type { Page } from 'playwright-core';

export interface LayoutReport {
  /** Dots checked (visible, wrapped around an avatar). */
  dots: number;
  /** Labels checked. */
  labels: number;
  problems: string[];
}

/**
 * Layout sanity, measured in the page: every visible dot sits inside its avatar's box
 * (a small avatar's clamped-up dot may overhang by its growth) in the bottom-right corner, and no presence label spills out of its container.
 */
export function checkLayout(page: Page): Promise<LayoutReport> {
  return page.evaluate(() => {
    const problems: string[] = [];
    let dots = 0;
    let labels = 0;
    const visible = (r: DOMRect) => r.width > 0 && r.height > 0;
    const describe = (el: Element) => `${el.tagName.toLowerCase()}[uid=${el.getAttribute('uid') ?? '?'}]`;

    const checkCorner = (what: string, avatar: DOMRect, dot: DOMRect) => {
      dots += 1;
      // A dot clamped up past 28% of a small avatar grows outward by design, half its growth
      // on each side, so it overhangs the corner like a badge; nothing else may leave the box.
      const tol = 0.5 + Math.max(0, (dot.width - avatar.width * 0.28) / 2);
      if (
        dot.left < avatar.left - tol ||
        dot.top < avatar.top - tol ||
        dot.right > avatar.right + tol ||
        dot.bottom > avatar.bottom + tol
      ) {
        problems.push(`${what}: dot ${JSON.stringify(dot)} is outside the avatar ${JSON.stringify(avatar)}`);
      }
      // Bottom-right corner: the dot's far edges lie within a fifth of the avatar (or 3px) of the avatar's.
      const slackX = Math.max(3, avatar.width * 0.2);
      const slackY = Math.max(3, avatar.height * 0.2);
      if (avatar.right - dot.right > slackX || avatar.bottom - dot.bottom > slackY) {
        problems.push(`${what}: dot is not in the bottom-right corner of the avatar`);
      }
      if (dot.width > avatar.width / 2)
        problems.push(`${what}: dot (${dot.width}px) is wider than half the avatar (${avatar.width}px)`);
    };

    for (const host of document.querySelectorAll('presence-dot')) {
      const avatar = host.querySelector(':scope > img, :scope > *');
      const dot = host.shadowRoot?.querySelector('[part~="dot"]');
      if (!avatar || !dot) continue;
      const a = avatar.getBoundingClientRect();
      const d = dot.getBoundingClientRect();
      if (!visible(a) || !visible(d)) continue;
      checkCorner(describe(host), a, d);
    }
    for (const roster of document.querySelectorAll('online-now')) {
      for (const item of roster.shadowRoot?.querySelectorAll('[part~="item"]') ?? []) {
        const a = item.querySelector('[part~="avatar"]')?.getBoundingClientRect();
        const d = item.querySelector('[part~="dot"]')?.getBoundingClientRect();
        if (a && d && visible(a) && visible(d))
          checkCorner(`online-now item "${item.querySelector('[part~="avatar"]')?.getAttribute('title')}"`, a, d);
      }
    }
    for (const label of document.querySelectorAll('presence-status')) {
      const r = label.getBoundingClientRect();
      if (!visible(r)) continue;
      let container = label.parentElement;
      while (container && getComputedStyle(container).display.startsWith('inline')) container = container.parentElement;
      if (!container) continue;
      labels += 1;
      const c = container.getBoundingClientRect();
      if (r.left < c.left - 0.5 || r.right > c.right + 0.5) {
        problems.push(
          `${describe(label)} "${label.textContent?.trim() ?? ''}" overflows its container (${r.left}-${r.right} vs ${c.left}-${c.right})`,
        );
      }
      const text = label.shadowRoot?.querySelector('[part~="label"]');
      if (text && !(text.textContent ?? '').trim()) problems.push(`${describe(label)} shows no label text`);
    }
    return { dots, labels, problems };
  });
}
