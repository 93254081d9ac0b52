import { existsSync, globSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * A jest reporter that turns the findings the attack and fault tests recorded (test/support/
 * findings.ts) into the table of docs/attacks-and-faults.md, and a one-line count of it into the
 * README (the table itself is too long for the front door). Each row says whether its test passed
 * in this run. Only a run of the whole suite rewrites those files; a
 * partial run writes var/attacks-and-faults.md, so running one test file never drops rows.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const FINDINGS = join(ROOT, 'var', 'findings');
const START = '<!-- attacks-and-faults:start (written by npm test, do not edit) -->';
const END = '<!-- attacks-and-faults:end -->';

export default class FindingsReporter {
  onRunStart() {
    rmSync(FINDINGS, { recursive: true, force: true });
  }

  onRunComplete(_contexts, results) {
    const findings = existsSync(FINDINGS)
      ? readdirSync(FINDINGS).flatMap((name) => readFileSync(join(FINDINGS, name), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line)))
      : [];
    const statusOf = new Map();
    for (const file of results.testResults) {
      for (const test of file.testResults) statusOf.set(`${file.testFilePath}\n${test.fullName}`, test.status);
    }
    const table = renderTable(findings, statusOf);

    const ran = new Set(results.testResults.map((file) => file.testFilePath));
    const all = globSync('test/**/*.test.ts', { cwd: ROOT }).map((path) => join(ROOT, path));
    const whole = all.every((path) => ran.has(path));
    mkdirSync(join(ROOT, 'var'), { recursive: true });
    if (!whole || findings.length === 0) {
      writeFileSync(join(ROOT, 'var', 'attacks-and-faults.md'), `${table}\n`);
      return;
    }
    mkdirSync(join(ROOT, 'docs'), { recursive: true });
    writeFileSync(join(ROOT, 'docs', 'attacks-and-faults.md'), `# Attacks and faults, as the tests found them\n\n${INTRO}\n\n${table}\n`);
    const readmePath = join(ROOT, 'README.md');
    const readme = readFileSync(readmePath, 'utf8');
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    if (start >= 0 && end > start) {
      writeFileSync(readmePath, `${readme.slice(0, start + START.length)}\n${countLine(findings, statusOf)}\n${readme.slice(end)}`);
    }
  }
}

const INTRO = 'Every row is recorded by the test that tried it, in the run of `npm test` that wrote this file; '
  + 'the last column names the test and whether it passed. Figures (timings, counts) are that run\'s.';

function passed(finding, statusOf) {
  return statusOf.get(`${finding.file}\n${finding.test}`) === 'passed';
}

/** The README's line: how many of each kind were tried, and how many of their tests passed. */
function countLine(findings, statusOf) {
  const of = (kind) => findings.filter((finding) => finding.kind === kind);
  const ok = findings.filter((finding) => passed(finding, statusOf)).length;
  return `${of('attack').length} attacks and ${of('fault').length} faults tried by tests in the last full run; ${ok} of ${findings.length} tests passed.`;
}

function renderTable(findings, statusOf) {
  const order = { attack: 0, fault: 1 };
  const rows = findings
    .toSorted((a, b) => order[a.kind] - order[b.kind] || a.name.localeCompare(b.name) || a.test.localeCompare(b.test))
    .map((finding) => {
      const status = passed(finding, statusOf) ? '✅ passed' : '❌ failed';
      const test = `${relative(ROOT, finding.file)}: “${finding.test}”`;
      return `| ${finding.kind} | ${cell(finding.name)} | ${cell(finding.tried)} | ${finding.times} | ${cell(finding.result)} | ${status} | ${cell(test)} |`;
    });
  return [
    '| kind | attack or fault | what the test does | times | what it saw | | test |',
    '| --- | --- | --- | ---: | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

function cell(text) {
  return String(text).replaceAll('|', '\\|').replaceAll('\n', ' ');
}
