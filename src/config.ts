import { randomBytes } from 'node:crypto';

import { disguisingCharacterIn, disguisingCharacterMessage } from './display-names.ts';
import { ConfigurationError } from './errors.ts';
import type { ConsumerAccountsConfig } from './federation/consumer-accounts.ts';
import { isAcceptableIssuer } from './federation/identity-provider.ts';
import type { DeploymentEmailOtpDefault } from './guests/email-otp-policy.ts';
import {
  ADMIN_TOKEN_MIN_LENGTH, DEFAULT_OTP_TTL_SECONDS, DEFAULT_PASSCODE_SENDS_PER_IP, DEFAULT_SESSION_TTL_SECONDS, MAIL_RETRY,
  MAX_WORKER_PROCESSES, PROVIDER_CACHE_SIZE, TOKEN_TTL,
} from './limits.ts';
import { GENERATE_SECRET_HINT, secretKeyProblem } from './secret-keys.ts';
import { DEFAULT_KEY_NAMESPACE } from './store/keys.ts';
import type { RedisEndpoint, RedisTarget } from './store/redis-store.ts';

/**
 * The environment, read and checked once at start-up. Production refuses embedded defaults; the
 * development defaults make `npm install && npm start` work with nothing configured.
 */
export interface Config {
  production: boolean;
  port: number;
  /** Processes sharing the port (WORKERS); above 1, main becomes their primary (src/ops/worker-processes.ts). */
  workers: number;
  /** Interface to listen on; undefined listens on all of them. */
  host: string | undefined;
  /** Public origin, no trailing slash. Every issuer and URL the provider publishes starts with it. */
  baseUrl: string;
  /** null: the embedded in-memory store (development only). */
  redis: RedisTarget | null;
  /** First part of every store key (REDIS_KEY_PREFIX), so deployments can share one Redis. */
  keyNamespace: string;
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
  /** The mail queue's first wait before a retry (MAIL_RETRY_BASE_MS); later ones double. */
  mailRetryBaseMs: number;
  /** What a tenant's email OTP policy `default` means. */
  emailOtpDefault: DeploymentEmailOtpDefault;
  /** The deployment's consumer-account provider (home-realm discovery step 5), if any. */
  consumerAccounts: ConsumerAccountsConfig | undefined;
  /**
   * ALLOW_PRIVATE_UPSTREAMS: let the server call loopback and private addresses on a tenant's
   * behalf (identity providers, callbacks). Development's default; production's only when set.
   */
  allowPrivateUpstreams: boolean;
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
  const workers = integer(env.WORKERS, 1, 'WORKERS', problems, { min: 1, max: MAX_WORKER_PROCESSES });
  // A Redis setting that is given but wrong has its own message already.
  if (workers > 1 && !redis && !env.REDIS_URL && !env.REDIS_CLUSTER_NODES && !env.REDIS_SENTINELS) {
    problems.push(`WORKERS=${workers} needs Redis (REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS): the in-memory store lives inside one process, so worker processes would not share tenants, sign-ins or codes`);
  }

  if (production) {
    const missing = [
      redis ? undefined : 'REDIS_URL (or REDIS_CLUSTER_NODES, or REDIS_SENTINELS with REDIS_SENTINEL_NAME)',
      smtpUrl ? undefined : 'SMTP_URL',
      adminToken ? undefined : 'ADMIN_TOKEN',
      cookieKeys.length > 0 ? undefined : 'COOKIE_KEYS',
      keyEncryptionKey ? undefined : 'KEY_ENCRYPTION_KEY',
    ].filter((name): name is string => name !== undefined);
    if (missing.length > 0) problems.unshift(`missing ${missing.join(', ')}`);
    if (adminToken && adminToken.length < ADMIN_TOKEN_MIN_LENGTH) {
      problems.push(`ADMIN_TOKEN must be at least ${ADMIN_TOKEN_MIN_LENGTH} characters`);
    }
    // Never the key itself in the message: only which one, and why.
    const weak = [
      ...cookieKeys.map((key, index) => ({ name: cookieKeys.length > 1 ? `COOKIE_KEYS key ${index + 1}` : 'COOKIE_KEYS', problem: secretKeyProblem(key) })),
      ...(keyEncryptionKey ? [{ name: 'KEY_ENCRYPTION_KEY', problem: secretKeyProblem(keyEncryptionKey) }] : []),
    ].filter(({ problem }) => problem !== undefined);
    if (weak.length > 0) {
      problems.push(`${weak.map(({ name, problem }) => `${name} ${problem}`).join(' and ')}: ${GENERATE_SECRET_HINT}`);
    }
  }

  const config: Config = {
    production,
    port,
    workers,
    host: env.HOST || undefined,
    baseUrl,
    redis,
    keyNamespace: keyNamespace(env.REDIS_KEY_PREFIX, problems),
    smtpUrl,
    mailFrom: env.MAIL_FROM ?? `guest-idp <no-reply@${new URL(baseUrl).hostname}>`,
    outboxDir: env.OUTBOX_DIR ?? 'var/outbox',
    adminToken: adminToken || randomBytes(32).toString('base64url'),
    adminTokenGenerated: !adminToken,
    cookieKeys: cookieKeys.length > 0 ? cookieKeys : [DEVELOPMENT_COOKIE_KEY],
    keyEncryptionKey: keyEncryptionKey || DEVELOPMENT_KEY_ENCRYPTION_KEY,
    logLevel: env.LOG_LEVEL ?? 'info',
    otpTtlSeconds: otpTtlSeconds(env.OTP_TTL_SECONDS, problems),
    sessionTtlSeconds: integer(env.SESSION_TTL_SECONDS, DEFAULT_SESSION_TTL_SECONDS, 'SESSION_TTL_SECONDS', problems, { min: 1 }),
    trustProxy: env.TRUST_PROXY === 'true' || env.TRUST_PROXY === '1',
    providerCacheSize: integer(env.PROVIDER_CACHE_SIZE, PROVIDER_CACHE_SIZE, 'PROVIDER_CACHE_SIZE', problems, { min: 1 }),
    passcodeSendsPerIp: integer(env.OTP_SEND_LIMIT_PER_IP, DEFAULT_PASSCODE_SENDS_PER_IP, 'OTP_SEND_LIMIT_PER_IP', problems, { min: 1 }),
    mailRetryBaseMs: integer(env.MAIL_RETRY_BASE_MS, MAIL_RETRY.backoffMs, 'MAIL_RETRY_BASE_MS', problems, { min: 1, max: 3_600_000 }),
    emailOtpDefault: emailOtpDefault(env, problems),
    consumerAccounts: consumerAccounts(env, problems),
    allowPrivateUpstreams: flag(env.ALLOW_PRIVATE_UPSTREAMS, !production, 'ALLOW_PRIVATE_UPSTREAMS', problems),
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
    config.allowPrivateUpstreams ? 'calls to loopback and private addresses for tenants (set ALLOW_PRIVATE_UPSTREAMS=false)' : undefined,
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
  const nameCharacter = env.CONSUMER_ACCOUNTS_NAME === undefined ? undefined : disguisingCharacterIn(env.CONSUMER_ACCOUNTS_NAME);
  if (nameCharacter) problems.push(`CONSUMER_ACCOUNTS_NAME ${disguisingCharacterMessage(nameCharacter)}`);
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

function flag(raw: string | undefined, fallback: boolean, name: string, problems: string[]): boolean {
  if (raw === undefined || raw === '') return fallback;
  if (raw !== 'true' && raw !== 'false') problems.push(`${name} must be true or false`);
  return raw === 'true';
}

/**
 * A mailed code is bound to its sign-in attempt, which lives TOKEN_TTL.Interaction: a code that
 * outlived it could never be used, and the guest's mail would promise minutes that do not exist.
 * Refused rather than stretching the attempt to fit: the attempt's lifetime bounds how long a
 * half-finished sign-in (and its cookie) stays valid, which should not grow with a mail setting.
 */
function otpTtlSeconds(raw: string | undefined, problems: string[]): number {
  const seconds = integer(raw, DEFAULT_OTP_TTL_SECONDS, 'OTP_TTL_SECONDS', problems, { min: 1 });
  if (seconds > TOKEN_TTL.Interaction) {
    problems.push(`OTP_TTL_SECONDS must be at most ${TOKEN_TTL.Interaction}: a code cannot outlive the sign-in attempt it was sent for (${TOKEN_TTL.Interaction} seconds)`);
    return DEFAULT_OTP_TTL_SECONDS;
  }
  return seconds;
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
  const endpoint = redisEndpoint(env, problems);
  if (!endpoint) return null;
  // Under Sentinel a durable record is acknowledged by a replica before it is confirmed, so a
  // failover cannot lose it; a single Redis has no replica to wait for unless the operator says so.
  const waitReplicas = integer(env.REDIS_WAIT_REPLICAS, 'sentinels' in endpoint ? 1 : 0, 'REDIS_WAIT_REPLICAS', problems, { min: 0, max: 16 });
  if (waitReplicas > 0 && 'clusterNodes' in endpoint) {
    problems.push('REDIS_WAIT_REPLICAS is not supported with REDIS_CLUSTER_NODES (set it to 0 or leave it out)');
  }
  return { ...endpoint, waitReplicas };
}

function redisEndpoint(env: NodeJS.ProcessEnv, problems: string[]): RedisEndpoint | null {
  if (env.REDIS_SENTINELS || env.REDIS_SENTINEL_NAME) {
    if (env.REDIS_URL || env.REDIS_CLUSTER_NODES) {
      problems.push('REDIS_SENTINELS cannot be combined with REDIS_URL or REDIS_CLUSTER_NODES: give one of them');
      return null;
    }
    const sentinels = hostPortList(env.REDIS_SENTINELS);
    if (!sentinels) problems.push('REDIS_SENTINELS must be a comma list of host:port');
    if (!env.REDIS_SENTINEL_NAME) problems.push('REDIS_SENTINEL_NAME must name the primary the sentinels watch (their "sentinel monitor <name>")');
    return sentinels && env.REDIS_SENTINEL_NAME ? { sentinels, sentinelName: env.REDIS_SENTINEL_NAME } : null;
  }
  if (env.REDIS_CLUSTER_NODES) {
    const clusterNodes = hostPortList(env.REDIS_CLUSTER_NODES);
    if (!clusterNodes) {
      problems.push('REDIS_CLUSTER_NODES must be a comma list of host:port');
      return null;
    }
    return { clusterNodes };
  }
  if (!env.REDIS_URL) return null;
  if (!/^rediss?:\/\//.test(env.REDIS_URL)) {
    problems.push('REDIS_URL must start with redis:// or rediss://');
    return null;
  }
  return { url: env.REDIS_URL };
}

/** `host:port,host:port`; undefined when empty or when any entry is not host:port. */
function hostPortList(raw: string | undefined): { host: string; port: number }[] | undefined {
  const nodes = (raw ?? '').split(',').map((node) => node.trim()).filter(Boolean).map((node) => {
    const match = /^(.+):(\d{1,5})$/.exec(node);
    return match && Number(match[2]) <= 65535 ? { host: match[1] as string, port: Number(match[2]) } : undefined;
  });
  if (nodes.length === 0 || nodes.some((node) => node === undefined)) return undefined;
  return nodes as { host: string; port: number }[];
}

function keyNamespace(raw: string | undefined, problems: string[]): string {
  if (raw === undefined || raw === '') return DEFAULT_KEY_NAMESPACE;
  // No ':' (it separates key parts) and no braces (they are Redis Cluster hash tags).
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(raw)) {
    problems.push('REDIS_KEY_PREFIX must be 1 to 32 letters, digits, - or _');
    return DEFAULT_KEY_NAMESPACE;
  }
  return raw;
}

function smtpTarget(raw: string | undefined, problems: string[]): string | null {
  if (!raw) return null;
  if (!/^smtps?:\/\//.test(raw)) {
    problems.push('SMTP_URL must start with smtp:// or smtps://');
    return null;
  }
  return raw;
}
