import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The attack and fault table (docs/attacks-and-faults.md) is written from what the tests report, not
 * by hand: a test that tries an attack or provokes a fault records what it tried, how many times,
 * and what it saw, right after its assertions. `findings-reporter.js` turns the records of a full
 * run into the table and marks each row with whether its test passed.
 */
export interface Finding {
  /** `attack`: something an attacker tries; `fault`: something that breaks around the product. */
  kind: 'attack' | 'fault';
  /** Short name of the threat or fault, as the table's first column. */
  name: string;
  /** What the test did, in a sentence. */
  tried: string;
  /** How many times it was tried (requests, guesses, kills…). */
  times: number;
  /** What was observed (measured figures included). */
  result: string;
}

export const FINDINGS_DIRECTORY = join(import.meta.dirname, '..', '..', 'var', 'findings');

/** Records a finding of the running test (one JSON line; the reporter collects them). */
export function recordFinding(finding: Finding): void {
  const test = expect.getState().currentTestName ?? '';
  const file = expect.getState().testPath ?? '';
  mkdirSync(FINDINGS_DIRECTORY, { recursive: true });
  appendFileSync(join(FINDINGS_DIRECTORY, `${process.pid}.jsonl`), `${JSON.stringify({ ...finding, test, file })}\n`);
}
