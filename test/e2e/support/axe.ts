import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

// The engine itself, injected as a plain script: one pinned dependency, no adapter
// package between it and the Playwright version this repo pins.
const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export interface AxeProblem {
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

/** axe-core over the whole page as it is now (shadow roots included): the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeProblem[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_PATH });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    interface AxeViolation {
      id: string;
      impact: string | null;
      help: string;
      nodes: { target: unknown[]; failureSummary?: string }[];
    }
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      rule: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      targets: v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`.replace(/\s+/g, ' ')),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** One line per problem, for an assertion message. */
export function describeProblems(problems: AxeProblem[]): string {
  return problems.map((p) => `${p.impact} ${p.rule}: ${p.help}\n  ${p.targets.join('\n  ')}`).join('\n');
}
