import axe from 'axe-core';
import type { AxeResults, Result, RunOptions } from 'axe-core';
import type { Page } from 'playwright-core';

/**
 * axe-core in the page under test, limited to the WCAG 2.0, 2.1 and 2.2 rules of levels A and AA
 * (the product's promise: WCAG 2.2 AA).
 *
 * The pages' CSP (`default-src 'none'`, no script-src) refuses a <script> tag, inline or
 * added by playwright's addScriptTag. page.evaluate runs through the DevTools protocol
 * (Runtime.evaluate), which the page's CSP does not govern: axe's source goes in that way, so the
 * audit needs no `bypassCSP` and sees the page exactly as a guest gets it.
 */
export const WCAG_AA_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

export interface AxeViolation {
  id: string;
  impact: string | null | undefined;
  help: string;
  helpUrl: string;
  nodes: Array<{ target: string; summary: string }>;
}

export interface AxeReport {
  url: string;
  violations: AxeViolation[];
  /** Rules that passed on this page (a page with nothing to check would pass vacuously). */
  passes: number;
  /** One line per violation and node, for a failing expect() to print. */
  summary: string;
}

/** Runs axe on the page as it is now and returns its WCAG A/AA violations. */
export async function auditAccessibility(page: Page): Promise<AxeReport> {
  const injected = await page.evaluate(() => typeof (globalThis as { axe?: unknown }).axe !== 'undefined');
  if (!injected) await page.evaluate(axe.source);
  const options: RunOptions = { runOnly: { type: 'tag', values: WCAG_AA_TAGS }, resultTypes: ['violations'] };
  const results = await page.evaluate(async (runOptions) => {
    const scope = globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<unknown> }; document: unknown };
    return scope.axe.run(scope.document, runOptions);
  }, options) as AxeResults;
  const violations = results.violations.map(toViolation);
  return { url: results.url, violations, passes: results.passes.length, summary: summarize(results.url, violations) };
}

function toViolation(result: Result): AxeViolation {
  return {
    id: result.id,
    impact: result.impact,
    help: result.help,
    helpUrl: result.helpUrl,
    nodes: result.nodes.map((node) => ({
      target: node.target.map(String).join(' '),
      summary: (node.failureSummary ?? '').replace(/\s+/g, ' ').trim(),
    })),
  };
}

function summarize(url: string, violations: AxeViolation[]): string {
  if (violations.length === 0) return `${url}: no WCAG A/AA violations`;
  const lines = violations.flatMap((violation) => [
    `${violation.id} (${violation.impact ?? 'unknown'}): ${violation.help} ${violation.helpUrl}`,
    ...violation.nodes.map((node) => `    ${node.target}: ${node.summary}`),
  ]);
  return `${url}: ${violations.length} violation(s)\n  ${lines.join('\n  ')}`;
}
