import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

import { loadConfig } from '../../src/config.ts';
import { ConfigurationError } from '../../src/errors.ts';
import { TOKEN_TTL } from '../../src/limits.ts';
import { recordFinding } from '../support/findings.ts';

/**
 * A mailed code is bound to its sign-in attempt, which lives TOKEN_TTL.Interaction: an
 * OTP_TTL_SECONDS longer than that is refused at start-up instead of promising guests minutes
 * their code can never have.
 */

const ROOT = join(import.meta.dirname, '..', '..');

test('OTP_TTL_SECONDS up to the sign-in attempt lifetime is accepted, longer is refused naming both', () => {
  expect(loadConfig({ OTP_TTL_SECONDS: String(TOKEN_TTL.Interaction) }).otpTtlSeconds).toBe(TOKEN_TTL.Interaction);
  expect(() => loadConfig({ OTP_TTL_SECONDS: String(TOKEN_TTL.Interaction + 1) })).toThrow(ConfigurationError);
  expect(() => loadConfig({ OTP_TTL_SECONDS: String(TOKEN_TTL.Interaction + 1) }))
    .toThrow(`OTP_TTL_SECONDS must be at most ${TOKEN_TTL.Interaction}: a code cannot outlive the sign-in attempt it was sent for`);
});

test('the product refuses to start with a too long OTP_TTL_SECONDS, in one line', async () => {
  const child = spawn(process.execPath, ['src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', OTP_TTL_SECONDS: '7200', PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const [code] = await once(child, 'exit');

  expect(code).toBe(1);
  expect(stdout).toBe('');
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^guest-idp cannot start in development mode: OTP_TTL_SECONDS must be at most 3600/);
  recordFinding({
    kind: 'fault', name: 'Code lifetime longer than its sign-in attempt',
    tried: 'started the product with OTP_TTL_SECONDS=7200, past the 3600 s a sign-in attempt lives', times: 1,
    result: `exit code 1, one line: "${lines[0]}"`,
  });
});
