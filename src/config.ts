import { randomBytes } from 'node:crypto';

import { ConfigurationError } from './errors.ts';
import type { ConsumerAccountsConfig } from './federation/consumer-accounts.ts';
import { isAcceptableIssuer } from './federation/identity-provider.ts';
import type { DeploymentEmailOtpDefault } from './guests/email-otp-policy.ts';
import {
  ADMIN_TOKEN_MIN_LENGTH, DEFAULT_OTP_TTL_SECONDS, DEFAULT_PASSCODE_SENDS_PER_IP, DEFAULT_SESSION_TTL_SECONDS, PROVIDER_CACHE_SIZE,
} from './limits.ts';
import type { RedisTarget } from './store/redis-store.ts';

/**
 * The environment, read and checked once at start-up. Production refuses embedded defaults; the
 * development defaults make `npm install && npm start` work with nothing configured.
 */
export interface Config {
  production: boolean;
  port: number;
  /** Interface to listen on; undefined listens on all of them. */
  host: string | undefined;
  /** Public origin, no trailing slash. Every issuer and URL the provider publishes starts with it. */
  baseUrl: string;
  /** null: the embedded in-memory store (development only). */
  redis: RedisTarget | null;
  /** null: mail goes to outboxDir and the log (development only). */
  smtpUrl: string | null;
  mailFrom: string;
  outboxDir: string;
  adminToken: string;
  /** True when the admin token was made up at start-up and must be shown to the developer once. */
  adminTokenGenerated: boolean;
  cookieKeys: string[];
  keyEncryptionKey: string;
  logLevel: string;
  otpTtlSeconds: number;
  sessionTtlSeconds: number;
  /** Trust X-Forwarded-For/-Proto from a reverse proxy (for client IPs in rate limits and logs). */
  trustProxy: boolean;
  /** Tenant Providers kept built in memory at once. */
  providerCacheSize: number;
  /** Codes mailed per client IP in 15 minutes. */
  passcodeSendsPerIp: number;
  /** What a tenant's email OTP policy `default` means. */
  emailOtpDefault: DeploymentEmailOtpDefault;
  /** The deployment's consumer-account provider (home-realm discovery step 5), if any. */
  consumerAccounts: ConsumerAccountsConfig | undefined;
}

/** Stable development-only secrets, so a developer's Redis-backed data survives restarts. */
const DEVELOPMENT_COOKIE_KEY = 'development-only-cookie-key-do-not-use-in-production';
const DEVELOPMENT_KEY_ENCRYPTION_KEY = 'development-only-key-encryption-key-do-not-use-in-production';

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const production = env.NODE_ENV === 'production';
  const problems: string[] = [];

  const port = integer(env.PORT, 3000, 'PORT', problems, { min: 0, max: 65535 });
  const baseUrl = origin(env.BASE_URL ?? `http://localhost:${port}`, problems);
  const redis = redisTarget(env, problems);
  const smtpUrl = smtpTarget(env.SMTP_URL, problems);
  const cookieKeys = (env.COOKIE_KEYS ?? '').split(',').map((key) => key.trim()).filter(Boolean);
  const adminToken = env.ADMIN_TOKEN ?? '';
  const keyEncryptionKey = env.KEY_ENCRYPTION_KEY ?? '';

  if (production) {
    const missing = [
      redis ? undefined : 'REDIS_URL (or REDIS_CLUSTER_NODES)',
      smtpUrl ? undefined : 'SMTP_URL',
      adminToken ? undefined : 'ADMIN_TOKEN',
      cookieKeys.length > 0 ? undefined : 'COOKIE_KEYS',
      keyEncryptionKey ? undefined : 'KEY_ENCRYPTION_KEY',
    ].filter((name): name is string => name !== undefined);
    if (missing.length > 0) problems.unshift(`missing ${missing.join(', ')}`);
    if (adminToken && adminToken.length < ADMIN_TOKEN_MIN_LENGTH) {
      problems.push(`ADMIN_TOKEN must be at least ${ADMIN_TOKEN_MIN_LENGTH} characters`);
    }
  }

  const config: Config = {
    production,
    port,
    host: env.HOST || undefined,
    baseUrl,
    redis,
    smtpUrl,
    mailFrom: env.MAIL_FROM ?? `guest-idp <no-reply@${new URL(baseUrl).hostname}>`,
    outboxDir: env.OUTBOX_DIR ?? 'var/outbox',
    adminToken: adminToken || randomBytes(32).toString('base64url'),
    adminTokenGenerated: !adminToken,
    cookieKeys: cookieKeys.length > 0 ? cookieKeys : [DEVELOPMENT_COOKIE_KEY],
    keyEncryptionKey: keyEncryptionKey || DEVELOPMENT_KEY_ENCRYPTION_KEY,
    logLevel: env.LOG_LEVEL ?? 'info',
    otpTtlSeconds: integer(env.OTP_TTL_SECONDS, DEFAULT_OTP_TTL_SECONDS, 'OTP_TTL_SECONDS', problems, { min: 1 }),
    sessionTtlSeconds: integer(env.SESSION_TTL_SECONDS, DEFAULT_SESSION_TTL_SECONDS, 'SESSION_TTL_SECONDS', problems, { min: 1 }),
    trustProxy: env.TRUST_PROXY === 'true' || env.TRUST_PROXY === '1',
    providerCacheSize: integer(env.PROVIDER_CACHE_SIZE, PROVIDER_CACHE_SIZE, 'PROVIDER_CACHE_SIZE', problems, { min: 1 }),
    passcodeSendsPerIp: integer(env.OTP_SEND_LIMIT_PER_IP, DEFAULT_PASSCODE_SENDS_PER_IP, 'OTP_SEND_LIMIT_PER_IP', problems, { min: 1 }),
    emailOtpDefault: emailOtpDefault(env, problems),
    consumerAccounts: consumerAccounts(env, problems),
  };

  if (problems.length > 0) {
    const mode = production ? 'production mode' : 'development mode';
    throw new ConfigurationError(`guest-idp cannot start in ${mode}: ${problems.join('; ')}.`);
  }
  return config;
}

/** What development mode is using in place of production settings, to say loudly at start-up. */
export function developmentDefaultsInUse(config: Config, env: NodeJS.ProcessEnv): string[] {
  return [
    config.redis ? undefined : 'in-memory store (set REDIS_URL)',
    config.smtpUrl ? undefined : `mail written to ${config.outboxDir}/ (set SMTP_URL)`,
    config.adminTokenGenerated ? 'a one-off admin token (set ADMIN_TOKEN)' : undefined,
    env.COOKIE_KEYS ? undefined : 'built-in cookie key (set COOKIE_KEYS)',
    env.KEY_ENCRYPTION_KEY ? undefined : 'built-in key encryption key (set KEY_ENCRYPTION_KEY)',
  ].filter((item): item is string => item !== undefined);
}

const CONSUMER_ACCOUNT_SETTINGS = ['CONSUMER_ACCOUNTS_ISSUER', 'CONSUMER_ACCOUNTS_CLIENT_ID', 'CONSUMER_ACCOUNTS_CLIENT_SECRET', 'CONSUMER_ACCOUNTS_LOOKUP_URL'] as const;

function consumerAccounts(env: NodeJS.ProcessEnv, problems: string[]): ConsumerAccountsConfig | undefined {
  const given = CONSUMER_ACCOUNT_SETTINGS.filter((name) => env[name]);
  if (given.length === 0) return undefined;
  if (given.length < CONSUMER_ACCOUNT_SETTINGS.length) {
    problems.push(`a consumer-account provider needs all of ${CONSUMER_ACCOUNT_SETTINGS.join(', ')} (missing ${CONSUMER_ACCOUNT_SETTINGS.filter((name) => !env[name]).join(', ')})`);
    return undefined;
  }
  const issuer = env.CONSUMER_ACCOUNTS_ISSUER as string;
  if (!isAcceptableIssuer(issuer)) problems.push('CONSUMER_ACCOUNTS_ISSUER must be an https URL (http only on localhost)');
  if (!URL.canParse(env.CONSUMER_ACCOUNTS_LOOKUP_URL as string)) problems.push('CONSUMER_ACCOUNTS_LOOKUP_URL must be a URL');
  return {
    issuer,
    clientId: env.CONSUMER_ACCOUNTS_CLIENT_ID as string,
    clientSecret: env.CONSUMER_ACCOUNTS_CLIENT_SECRET as string,
    lookupUrl: env.CONSUMER_ACCOUNTS_LOOKUP_URL as string,
    displayName: env.CONSUMER_ACCOUNTS_NAME ?? 'your personal account',
  };
}

function emailOtpDefault(env: NodeJS.ProcessEnv, problems: string[]): DeploymentEmailOtpDefault {
  const state = env.EMAIL_OTP_DEFAULT ?? 'enabled';
  if (state !== 'enabled' && state !== 'disabled') problems.push('EMAIL_OTP_DEFAULT must be enabled or disabled');
  let autoEnableDate: Date | undefined;
  if (env.EMAIL_OTP_AUTO_ENABLE_DATE) {
    autoEnableDate = new Date(env.EMAIL_OTP_AUTO_ENABLE_DATE);
    if (Number.isNaN(autoEnableDate.getTime())) problems.push('EMAIL_OTP_AUTO_ENABLE_DATE must be an ISO 8601 date, like 2026-01-31');
  }
  return { enabled: state !== 'disabled', autoEnableDate };
}

function integer(
  raw: string | undefined,
  fallback: number,
  name: string,
  problems: string[],
  { min = -Infinity, max = Infinity }: { min?: number; max?: number },
): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be a whole number${Number.isFinite(min) ? ` >= ${min}` : ''}${Number.isFinite(max) ? ` <= ${max}` : ''}`);
    return fallback;
  }
  return value;
}

function origin(raw: string, problems: string[]): string {
  const url = URL.parse(raw);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.search || url.hash) {
    problems.push('BASE_URL must be an http(s) origin without a path, like https://login.example.com');
    return 'http://localhost:3000';
  }
  return url.origin;
}

function redisTarget(env: NodeJS.ProcessEnv, problems: string[]): RedisTarget | null {
  if (env.REDIS_CLUSTER_NODES) {
    const nodes = env.REDIS_CLUSTER_NODES.split(',').map((node) => node.trim()).filter(Boolean).map((node) => {
      const match = /^(.+):(\d+)$/.exec(node);
      return match ? { host: match[1] as string, port: Number(match[2]) } : undefined;
    });
    if (nodes.length === 0 || nodes.some((node) => node === undefined)) {
      problems.push('REDIS_CLUSTER_NODES must be a comma list of host:port');
      return null;
    }
    return { clusterNodes: nodes as { host: string; port: number }[] };
  }
  if (!env.REDIS_URL) return null;
  if (!/^rediss?:\/\//.test(env.REDIS_URL)) {
    problems.push('REDIS_URL must start with redis:// or rediss://');
    return null;
  }
  return { url: env.REDIS_URL };
}

function smtpTarget(raw: string | undefined, problems: string[]): string | null {
  if (!raw) return null;
  if (!/^smtps?:\/\//.test(raw)) {
    problems.push('SMTP_URL must start with smtp:// or smtps://');
    return null;
  }
  return raw;
}
