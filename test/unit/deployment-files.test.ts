import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'yaml';

import { loadConfig } from '../../src/config.ts';

/**
 * The Dockerfile and compose.yaml, checked without Docker (no engine runs in CI): what the image
 * copies exists, it starts the real entry file, its health check is liveness, and the compose
 * deployment gives guest-idp every setting production mode demands, with the secrets from .env.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const read = (name: string) => readFileSync(join(ROOT, name), 'utf8');


interface ComposeService {
  build?: string | { context: string };
  image?: string;
  command?: string[] | string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** The Dockerfile's instructions, continuation lines joined, comments left out. */
function dockerInstructions(): Array<{ instruction: string; args: string }> {
  return read('Dockerfile').replace(/\\\n/g, ' ').split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [instruction = '', ...rest] = line.split(/\s+/);
      return { instruction: instruction.toUpperCase(), args: rest.join(' ') };
    });
}

/**
 * The variables production mode refuses to start without, read from config.ts's own refusal
 * ("missing A (or B, or C with D), E, ..."): the first name of each item.
 */
function productionRequiredVariables(): string[] {
  let message = '';
  try {
    loadConfig({ NODE_ENV: 'production' });
  } catch (error) {
    message = (error as Error).message;
  }
  const missing = /missing (.+?)\.?$/.exec(message.split(';')[0] ?? '')?.[1] ?? '';
  return missing.replace(/\([^)]*\)/g, '').split(',').map((item) => item.trim()).filter(Boolean);
}

/** Compose's own interpolation of `${NAME}`, `${NAME:-default}` and `${NAME:?error}` against an .env. */
function interpolate(value: string, dotEnv: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_all, name: string, kind?: string, rest?: string) => {
    const given = dotEnv[name];
    if (given) return given;
    if (kind === '?') throw new Error(`${name}: ${rest}`);
    return kind === '-' ? rest ?? '' : '';
  });
}

const compose = parse(read('compose.yaml')) as ComposeFile;
const guestIdp = compose.services['guest-idp'] as ComposeService;
const environment = guestIdp.environment ?? {};

describe('Dockerfile', () => {
  test('copies only paths that exist in the repository', () => {
    const copies = dockerInstructions().filter(({ instruction }) => instruction === 'COPY' || instruction === 'ADD');
    expect(copies.length).toBeGreaterThan(0);
    for (const { args } of copies) {
      const parts = args.split(/\s+/).filter((part) => !part.startsWith('--'));
      const sources = parts.slice(0, -1);
      expect(sources.length).toBeGreaterThan(0);
      for (const source of sources) expect([source, existsSync(join(ROOT, source))]).toEqual([source, true]);
    }
  });

  test('never ignores what it copies, and keeps the operator’s .env out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
    expect(ignored).toContain('.env');
    const copied = dockerInstructions().filter(({ instruction }) => instruction === 'COPY')
      .flatMap(({ args }) => args.split(/\s+/).filter((part) => !part.startsWith('--')).slice(0, -1));
    for (const source of copied) expect(ignored).not.toContain(source);
    expect(read('.gitignore').split('\n')).toContain('.env');
  });

  test('starts the entry file of the repository', () => {
    const cmd = dockerInstructions().filter(({ instruction }) => instruction === 'CMD').at(-1);
    const command = JSON.parse(cmd?.args ?? '[]') as string[];
    expect(command[0]).toBe('node');
    const entry = command[1] as string;
    expect(entry).toMatch(/\.(ts|js)$/);
    expect(existsSync(join(ROOT, entry))).toBe(true);
    expect(JSON.parse(read('package.json')).main).toBe(entry);
  });

  test('its health check is liveness (/healthz), so a Redis outage does not get the container killed', () => {
    const healthchecks = dockerInstructions().filter(({ instruction }) => instruction === 'HEALTHCHECK');
    expect(healthchecks).toHaveLength(1);
    expect(healthchecks[0]?.args).toContain('/healthz');
    expect(healthchecks[0]?.args).not.toContain('/readyz');
  });
});

describe('compose.yaml', () => {
  test('builds guest-idp from the Dockerfile beside it and publishes its port', () => {
    const context = typeof guestIdp.build === 'string' ? guestIdp.build : guestIdp.build?.context;
    expect(context).toBe('.');
    expect(existsSync(join(ROOT, context ?? '', 'Dockerfile'))).toBe(true);
    expect(guestIdp.ports).toContain('3000:3000');
    expect(environment.NODE_ENV).toBe('production');
  });

  test('gives guest-idp every variable production mode requires, secrets only from .env', () => {
    const required = productionRequiredVariables();
    expect(required).toEqual(expect.arrayContaining(['ADMIN_TOKEN', 'COOKIE_KEYS', 'KEY_ENCRYPTION_KEY']));
    for (const name of required) expect([name, environment[name]]).toEqual([name, expect.any(String)]);
    for (const secret of ['ADMIN_TOKEN', 'COOKIE_KEYS', 'KEY_ENCRYPTION_KEY']) {
      // `${NAME:?message}`: nothing committed, and compose refuses to start without it.
      expect(environment[secret]).toMatch(new RegExp(`^\\$\\{${secret}:\\?[^}]+\\}$`));
    }
  });

  test('with the .env the operations docs describe, production configuration loads', () => {
    const dotEnv = {
      ADMIN_TOKEN: randomBytes(32).toString('hex'),
      COOKIE_KEYS: randomBytes(32).toString('hex'),
      KEY_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    };
    const env = Object.fromEntries(Object.entries(environment).map(([name, value]) => [name, interpolate(String(value), dotEnv)]));
    const config = loadConfig(env);
    expect(config.production).toBe(true);
    expect(config.adminToken).toBe(dotEnv.ADMIN_TOKEN);
    expect(config.redis).toEqual(expect.objectContaining({ url: 'redis://redis:6379' }));
    // Without the .env, compose (like this interpolation) refuses to start.
    expect(() => interpolate(String(environment.ADMIN_TOKEN), {})).toThrow(/ADMIN_TOKEN/);
  });

  test('sends mail to the mail catcher, whose web UI is published', () => {
    const mailpit = compose.services.mailpit as ComposeService;
    expect(mailpit.image).toMatch(/^axllent\/mailpit/);
    expect(mailpit.ports).toContain('8025:8025');
    expect(interpolate(String(environment.SMTP_URL), {})).toBe('smtp://mailpit:1025');
  });

  test('runs Redis with AOF on a named volume, and starts guest-idp once Redis is healthy', () => {
    const redis = compose.services.redis as ComposeService;
    const command = Array.isArray(redis.command) ? redis.command.join(' ') : redis.command ?? '';
    expect(command).toMatch(/--appendonly yes/);
    const volume = (redis.volumes ?? []).find((entry) => entry.endsWith(':/data'));
    const volumeName = volume?.split(':')[0] as string;
    expect(Object.keys(compose.volumes ?? {})).toContain(volumeName);
    expect(redis.healthcheck?.test).toEqual(expect.arrayContaining(['redis-cli', 'ping']));
    expect(guestIdp.depends_on?.redis).toEqual({ condition: 'service_healthy' });
    expect(environment.REDIS_URL).toBe('redis://redis:6379');
  });
});
