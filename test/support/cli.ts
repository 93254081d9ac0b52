import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { TEST_ADMIN_TOKEN } from './idp.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'guest-idp.js');

export interface CliRun { code: number | null; stdout: string; stderr: string }

/**
 * `guest-idp` (bin/guest-idp.js) as an operator runs it against a deployment: a process of its
 * own with nothing but PATH, the deployment's URL and the admin token (plus `env`).
 */
export function runCli(baseUrl: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', GUEST_IDP_URL: baseUrl, GUEST_IDP_TOKEN: TEST_ADMIN_TOKEN, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The command's `--json` output, after checking it succeeded and printed nothing on stderr. */
export async function runCliJson(baseUrl: string, args: string[]): Promise<any> {
  const run = await runCli(baseUrl, [...args, '--json']);
  expect({ args, code: run.code, stderr: run.stderr }).toEqual({ args, code: 0, stderr: '' });
  return JSON.parse(run.stdout);
}
