import { developmentDefaultsInUse, loadConfig } from '../../src/config.ts';
import { ConfigurationError } from '../../src/errors.ts';

/** Key material as `openssl rand -base64 32` prints it. */
const PRODUCTION_COOKIE_KEY = 'q3m1Yw0b8Jc5ZgR2kT9vXa4LpE7sHn6U/dFiO+WzCrM=';
const PRODUCTION_KEY_ENCRYPTION_KEY = 'Vb2Kx9Tq4Lm7Rz1Yc8Hn3Pw6Jf0Sd5Ga+UeXoIiMkQ=';
const PRODUCTION = {
  NODE_ENV: 'production', REDIS_URL: 'redis://cache:6379', SMTP_URL: 'smtp://mail:25', ADMIN_TOKEN: 'a'.repeat(32),
  COOKIE_KEYS: PRODUCTION_COOKIE_KEY, KEY_ENCRYPTION_KEY: PRODUCTION_KEY_ENCRYPTION_KEY,
};

describe('production secrets need key material', () => {
  test('random keys of 32 characters or more start, an older cookie key too', () => {
    expect(loadConfig(PRODUCTION).cookieKeys).toEqual([PRODUCTION_COOKIE_KEY]);
    expect(loadConfig({ ...PRODUCTION, COOKIE_KEYS: `${PRODUCTION_COOKIE_KEY},${PRODUCTION_KEY_ENCRYPTION_KEY}` }).cookieKeys).toHaveLength(2);
  });

  test.each([
    [{ COOKIE_KEYS: 'a', KEY_ENCRYPTION_KEY: 'b' }, /COOKIE_KEYS is too short \(1 characters, at least 32 needed\) and KEY_ENCRYPTION_KEY is too short/],
    [{ KEY_ENCRYPTION_KEY: 'k'.repeat(40) }, /KEY_ENCRYPTION_KEY is a short text repeated/],
    [{ KEY_ENCRYPTION_KEY: 'secret12'.repeat(5) }, /KEY_ENCRYPTION_KEY is a short text repeated/],
    [{ COOKIE_KEYS: `${PRODUCTION_COOKIE_KEY},old-key` }, /COOKIE_KEYS key 2 is too short/],
  ])('refuses %j, says how to generate one, and never prints the key', (weak, message) => {
    expect(() => loadConfig({ ...PRODUCTION, ...weak })).toThrow(message);
    expect(() => loadConfig({ ...PRODUCTION, ...weak })).toThrow(/openssl rand -base64 32/);
    let text = '';
    try { loadConfig({ ...PRODUCTION, ...weak }); } catch (error) { text = (error as Error).message; }
    // (A one-letter key is in any sentence; the longer ones must not be.)
    for (const value of Object.values(weak).map((keys) => keys.split(',').at(-1) as string).filter((key) => key.length > 3)) expect(text).not.toContain(value);
  });

  test('development mode takes any key it is given', () => {
    expect(loadConfig({ COOKIE_KEYS: 'a', KEY_ENCRYPTION_KEY: 'b' }).keyEncryptionKey).toBe('b');
  });
});

describe('configuration', () => {
  test('development mode runs with nothing set, and says what it stands in for', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ production: false, port: 3000, baseUrl: 'http://localhost:3000', redis: null, smtpUrl: null, adminTokenGenerated: true });
    expect(config.adminToken.length).toBeGreaterThanOrEqual(32);
    expect(developmentDefaultsInUse(config, {})).toEqual(expect.arrayContaining([
      expect.stringContaining('in-memory store'), expect.stringContaining('var/outbox'), expect.stringContaining('admin token'),
    ]));
  });

  test('reads the environment of the contract', () => {
    const config = loadConfig({
      PORT: '8080', BASE_URL: 'https://login.example.com/', REDIS_URL: 'rediss://cache:6380', SMTP_URL: 'smtps://mail:465',
      MAIL_FROM: 'Sign-in <signin@example.com>', OTP_TTL_SECONDS: '60', SESSION_TTL_SECONDS: '120', LOG_LEVEL: 'warn',
    });
    expect(config).toMatchObject({
      port: 8080, baseUrl: 'https://login.example.com', redis: { url: 'rediss://cache:6380' }, smtpUrl: 'smtps://mail:465',
      mailFrom: 'Sign-in <signin@example.com>', otpTtlSeconds: 60, sessionTtlSeconds: 120, logLevel: 'warn',
    });
  });

  test('Redis Cluster nodes are a comma list of host:port', () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'a:7000, b:7001' }).redis).toEqual({ clusterNodes: [{ host: 'a', port: 7000 }, { host: 'b', port: 7001 }], waitReplicas: 0 });
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'a' })).toThrow(/REDIS_CLUSTER_NODES/);
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'a:7000', REDIS_WAIT_REPLICAS: '1' })).toThrow(/REDIS_WAIT_REPLICAS is not supported with REDIS_CLUSTER_NODES/);
  });

  test('Redis Sentinel: sentinels as host:port and the primary\'s name; durable writes wait for one replica by default', () => {
    expect(loadConfig({ REDIS_SENTINELS: 's1:26379, s2:26380', REDIS_SENTINEL_NAME: 'guest-idp' }).redis).toEqual({
      sentinels: [{ host: 's1', port: 26379 }, { host: 's2', port: 26380 }], sentinelName: 'guest-idp', waitReplicas: 1,
    });
    expect(loadConfig({ REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'guest-idp', REDIS_WAIT_REPLICAS: '2' }).redis).toMatchObject({ waitReplicas: 2 });
    expect(loadConfig({ REDIS_URL: 'redis://cache:6379' }).redis).toEqual({ url: 'redis://cache:6379', waitReplicas: 0 });
    expect(() => loadConfig({ REDIS_SENTINELS: 's1:26379' })).toThrow(/REDIS_SENTINEL_NAME must name the primary/);
    expect(() => loadConfig({ REDIS_SENTINEL_NAME: 'guest-idp' })).toThrow(/REDIS_SENTINELS must be a comma list of host:port/);
    expect(() => loadConfig({ REDIS_SENTINELS: 's1', REDIS_SENTINEL_NAME: 'guest-idp' })).toThrow(/REDIS_SENTINELS must be a comma list/);
    expect(() => loadConfig({ REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'x', REDIS_URL: 'redis://cache:6379' })).toThrow(/cannot be combined/);
    expect(() => loadConfig({ REDIS_URL: 'redis://cache:6379', REDIS_WAIT_REPLICAS: 'all' })).toThrow(/REDIS_WAIT_REPLICAS must be a whole number/);
  });

  test('WORKERS: one process by default; several only on Redis, which they share', () => {
    expect(loadConfig({}).workers).toBe(1);
    expect(loadConfig({ WORKERS: '4', REDIS_URL: 'redis://cache:6379' }).workers).toBe(4);
    expect(loadConfig({ WORKERS: '2', REDIS_CLUSTER_NODES: 'a:7000' }).workers).toBe(2);
    expect(() => loadConfig({ WORKERS: '2' })).toThrow(/WORKERS=2 needs Redis \(REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS\): the in-memory store lives inside one process/);
    for (const bad of ['0', '-1', '1.5', 'two', '65']) {
      expect(() => loadConfig({ WORKERS: bad, REDIS_URL: 'redis://cache:6379' })).toThrow(/WORKERS must be a whole number >= 1 <= 64/);
    }
  });

  test('ALLOW_PRIVATE_UPSTREAMS: on in development, off in production unless set', () => {
    const production = PRODUCTION;
    expect(loadConfig(production).allowPrivateUpstreams).toBe(false);
    expect(loadConfig({ ...production, ALLOW_PRIVATE_UPSTREAMS: 'true' }).allowPrivateUpstreams).toBe(true);
    expect(loadConfig({}).allowPrivateUpstreams).toBe(true);
    expect(loadConfig({ ALLOW_PRIVATE_UPSTREAMS: 'false' }).allowPrivateUpstreams).toBe(false);
    expect(developmentDefaultsInUse(loadConfig({}), {})).toEqual(expect.arrayContaining([expect.stringContaining('ALLOW_PRIVATE_UPSTREAMS=false')]));
    expect(developmentDefaultsInUse(loadConfig({ ALLOW_PRIVATE_UPSTREAMS: 'false' }), {}).join()).not.toContain('ALLOW_PRIVATE_UPSTREAMS');
  });

  test.each([
    [{ ALLOW_PRIVATE_UPSTREAMS: 'yes' }, /ALLOW_PRIVATE_UPSTREAMS must be true or false/],
    [{ ALLOW_PRIVATE_UPSTREAMS: '1' }, /ALLOW_PRIVATE_UPSTREAMS must be true or false/],
    [{ PORT: 'eighty' }, /PORT must be a whole number/],
    [{ BASE_URL: 'https://example.com/idp' }, /BASE_URL must be an http\(s\) origin/],
    [{ BASE_URL: 'ftp://example.com' }, /BASE_URL/],
    [{ OTP_TTL_SECONDS: '0' }, /OTP_TTL_SECONDS/],
    [{ SMTP_URL: 'http://mail' }, /SMTP_URL/],
  ])('refuses %j with a message naming it', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigurationError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
