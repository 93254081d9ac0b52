import { developmentDefaultsInUse, loadConfig } from '../../src/config.ts';
import { ConfigurationError } from '../../src/errors.ts';

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
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'a:7000, b:7001' }).redis).toEqual({ clusterNodes: [{ host: 'a', port: 7000 }, { host: 'b', port: 7001 }] });
    expect(() => loadConfig({ REDIS_CLUSTER_NODES: 'a' })).toThrow(/REDIS_CLUSTER_NODES/);
  });

  test.each([
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
