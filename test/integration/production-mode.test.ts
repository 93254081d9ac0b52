import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

/**
 * `NODE_ENV=production npm start` refuses embedded defaults with one line naming what is missing.
 * The real entry point runs in a child process, exactly as an operator starts it.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const COMPLETE = {
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  SMTP_URL: 'smtp://127.0.0.1:2525',
  ADMIN_TOKEN: 'a'.repeat(40),
  COOKIE_KEYS: 'cookie-key-one-0123456789abcdefghij,cookie-key-two-0123456789abcdefghij',
  KEY_ENCRYPTION_KEY: 'key-encryption-key-0123456789abcdefghij',
};

async function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', PORT: '0', LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const [code] = await once(child, 'exit');
  return { code: code as number | null, stderr };
}

test('with nothing configured it names every missing setting on one line and exits 1', async () => {
  const { code, stderr } = await start({});
  expect(code).toBe(1);
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/production mode/);
  for (const name of ['REDIS_URL', 'SMTP_URL', 'ADMIN_TOKEN', 'COOKIE_KEYS', 'KEY_ENCRYPTION_KEY']) expect(lines[0]).toContain(name);
});

test.each(Object.keys(COMPLETE))('without %s it refuses and names only that setting', async (name) => {
  const env: Record<string, string> = { ...COMPLETE };
  delete env[name];
  const { code, stderr } = await start(env);
  expect(code).toBe(1);
  expect(stderr).toContain(`missing ${name}`);
  for (const other of Object.keys(COMPLETE).filter((key) => key !== name)) expect(stderr).not.toContain(other);
});

test('an admin token shorter than 32 characters is refused', async () => {
  const { code, stderr } = await start({ ...COMPLETE, ADMIN_TOKEN: 'short' });
  expect(code).toBe(1);
  expect(stderr).toMatch(/ADMIN_TOKEN must be at least 32 characters/);
});

test('one-letter COOKIE_KEYS and KEY_ENCRYPTION_KEY are refused in one line that says how to generate keys', async () => {
  const { code, stderr } = await start({ ...COMPLETE, COOKIE_KEYS: 'a', KEY_ENCRYPTION_KEY: 'b' });
  expect(code).toBe(1);
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/COOKIE_KEYS is too short .* and KEY_ENCRYPTION_KEY is too short .*openssl rand -base64 32/);
});

test('a malformed REDIS_URL is named', async () => {
  const { code, stderr } = await start({ ...COMPLETE, REDIS_URL: 'http://127.0.0.1:6379' });
  expect(code).toBe(1);
  expect(stderr).toMatch(/REDIS_URL must start with redis:\/\/ or rediss:\/\//);
});
