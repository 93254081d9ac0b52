/**
 * Lifetimes and limits, named in one place. Durations are in seconds unless the name says otherwise.
 * The two that the contract lets tests shorten (OTP_TTL_SECONDS, SESSION_TTL_SECONDS) default here
 * and are read from the environment in config.ts.
 */

/** Email one-time passcodes are valid for 30 minutes (Entra B2B behaviour). */
export const DEFAULT_OTP_TTL_SECONDS = 30 * 60;
/** A guest's sign-in session lasts 24 hours from sign-in, not sliding. */
export const DEFAULT_SESSION_TTL_SECONDS = 24 * 60 * 60;

/** Email one-time passcodes: 8 digits, at most 5 tries each. */
export const PASSCODE_DIGITS = 8;
export const PASSCODE_MAX_ATTEMPTS = 5;
/**
 * Wrong codes per tenant and address within a window before a lock-out that lasts until the
 * window ends. New codes do not reset it; a successful sign-in does (NIST SP 800-63B-4 throttling).
 */
export const PASSCODE_FAILURE_LIMIT = { points: 10, durationSeconds: 15 * 60 };
/**
 * Second factors (src/mfa): wrong TOTP codes, recovery codes or failed passkeys per tenant and
 * user within a window, then locked out until it ends: the same rule as PASSCODE_FAILURE_LIMIT.
 * A successful second factor resets it.
 */
export const SECOND_FACTOR_FAILURE_LIMIT = PASSCODE_FAILURE_LIMIT;
/** TOTP (RFC 6238): 6 digits every 30 seconds, SHA-1 (what every authenticator app does), one step either side accepted. */
export const TOTP_DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_WINDOW_STEPS = 1;
/** Bytes of a TOTP secret (RFC 4226 recommends 160 bits). */
export const TOTP_SECRET_BYTES = 20;
/** Recovery codes: how many, and their length in base32 characters (10 of 5 bits: 50 bits each). */
export const RECOVERY_CODE_COUNT = 10;
export const RECOVERY_CODE_LENGTH = 10;
/** Codes mailed per tenant and address, and per client IP (OTP_SEND_LIMIT_PER_IP changes the latter). */
export const PASSCODE_SEND_WINDOW_SECONDS = 15 * 60;
export const PASSCODE_SENDS_PER_ADDRESS = 5;
/** Generous: many guests of one partner can share a company NAT. */
export const DEFAULT_PASSCODE_SENDS_PER_IP = 100;
/** A new code for the same sign-in only after this long, while the last one still works. */
export const PASSCODE_RESEND_COOLDOWN_SECONDS = 30;
/**
 * Deployment-wide caps in the same window, on top of the per-tenant ones: an attacker who holds
 * many tenants does not multiply the codes one address or one client can have mailed. The per-IP
 * cap is this many times OTP_SEND_LIMIT_PER_IP.
 */
export const PASSCODE_SENDS_PER_ADDRESS_DEPLOYMENT = 10;
export const PASSCODE_SENDS_PER_IP_DEPLOYMENT_FACTOR = 3;

/**
 * Invitation mails to one recipient: per tenant, and across the deployment (many tenants' admins
 * must not be able to flood one inbox either). Over a cap the admin API answers 429.
 */
export const INVITATION_MAILS_PER_RECIPIENT = { points: 5, durationSeconds: 24 * 60 * 60 };
export const INVITATION_MAILS_PER_RECIPIENT_DEPLOYMENT = { points: 10, durationSeconds: 24 * 60 * 60 };
/**
 * An inviter's own words in the invitation mail (Graph's `invitedUserMessageInfo.customizedMessageBody`),
 * in characters. Graph documents no limit; the Entra admin center's message box stops at 2000, and
 * a longer text would push the invitation's button out of sight.
 */
export const INVITATION_MESSAGE_MAX_LENGTH = 2000;

/**
 * Mail leaves through a job queue. A failed try is repeated after 1 s, 2 s, 4 s … (exponential
 * backoff); ten tries span about eight and a half minutes, well inside a code's 30 minutes.
 * MAIL_RETRY_BASE_MS shortens the first wait (tests).
 */
export const MAIL_RETRY = { attempts: 10, backoffMs: 1_000 };
/**
 * A queued mail waits this long before a worker takes it: the answer that queued it is written
 * first, so the work of sending (in this very process, often) cannot slow that answer down and
 * tell an invited address from another by its timing.
 */
export const MAIL_START_DELAY_MS = 250;
/** Mail jobs one process works on at once (matched by the SMTP pool's connections). */
export const MAIL_WORKER_CONCURRENCY = 5;
/** On shutdown, how long a mail being sent may take before it is left to another process. */
export const MAIL_WORKER_CLOSE_GRACE_MS = 5_000;
/** SMTP connections kept open for the worker, and messages sent on one before it is renewed. */
export const SMTP_POOL = { maxConnections: MAIL_WORKER_CONCURRENCY, messagesPerConnection: 100 };
/** Limits on a slow or silent mail server: a try fails after this, and the queue tries again. */
export const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 15_000 };

/** How long a guest may take at an upstream identity provider before coming back. */
export const FEDERATION_STATE_TTL_SECONDS = 15 * 60;

/**
 * Passkeys (WebAuthn): a passkey page's challenge is good for this long, once. The browser is told
 * to give the guest a little less (its timeout), so a ceremony it lets finish still finds it.
 */
export const PASSKEY_CHALLENGE_TTL_SECONDS = 5 * 60;
export const PASSKEY_CEREMONY_TIMEOUT_MS = 4 * 60 * 1000;
/** Passkeys one guest may register in a tenant; more is a mistake or an attack on the store. */
export const PASSKEYS_PER_GUEST = 10;

/** An invitation link works until it is redeemed, or for this long. */
export const INVITATION_TICKET_TTL_SECONDS = 90 * 24 * 60 * 60;

/** The longest email address SMTP can carry (RFC 5321 path limit). */
export const MAX_EMAIL_ADDRESS_LENGTH = 254;

/** Largest sign-in form body. */
export const FORM_BODY_LIMIT = '16kb';

/** Largest pushed authorization request body read before oidc-provider (its own limit, selective_body.js). */
export const PUSHED_REQUEST_BODY_LIMIT = 56 * 1024;

/** Token lifetimes handed to oidc-provider. */
export const TOKEN_TTL = {
  AccessToken: 60 * 60,
  AuthorizationCode: 60,
  ClientCredentials: 60 * 60,
  IdToken: 60 * 60,
  RefreshToken: 14 * 24 * 60 * 60,
  /** A sign-in attempt, including a mailed code's 30 minutes and some reading time. */
  Interaction: 60 * 60,
  Grant: 14 * 24 * 60 * 60,
  PushedAuthorizationRequest: 60,
  DeviceCode: 10 * 60,
  BackchannelAuthenticationRequest: 10 * 60,
} as const;

/** A tenant administrator's client-credentials token for the admin API (a JWT, so it is short). */
export const TENANT_ADMIN_TOKEN_TTL = 15 * 60;

/**
 * A rotated-out signing key stays in the JWKS until everything it signed has expired: ID tokens
 * live longest among signed artifacts (access tokens are opaque). Five minutes cover clock skew.
 */
export const RETIRED_SIGNING_KEY_PUBLISHED_SECONDS = TOKEN_TTL.IdToken + 5 * 60;

/** RSA modulus length for tenant signing keys. */
export const RSA_MODULUS_BITS = 2048;

/** Providers kept built in memory; the rest are rebuilt from the store on their next request. */
export const PROVIDER_CACHE_SIZE = 500;
/**
 * How long a process trusts its copy of a tenant or client record before reading it again. A
 * change made through this process applies at once; other processes follow within this time.
 */
export const RECORD_CACHE_SECONDS = 5;

/**
 * How often a change is re-applied from a fresh read when another writer changed the same record
 * at the same moment (compare-and-set lost), before the caller gets a 409. Two writers need two.
 */
export const CONCURRENT_WRITE_ATTEMPTS = 10;

/**
 * On SIGTERM, how long requests in flight get to finish before their connections are cut (a
 * second signal cuts them at once). Below the usual 30 s an orchestrator waits before SIGKILL.
 */
export const SHUTDOWN_GRACE_MS = 10_000;

/**
 * WORKERS: processes that share the port on one machine. More than the machine has cores only adds
 * Redis connections and memory; the cap catches a typo (WORKERS=100) before it forks a hundred.
 */
export const MAX_WORKER_PROCESSES = 64;

/**
 * A worker process that dies is started again after firstDelayMs; each further death of a worker
 * that ran less than stableAfterMs doubles the wait, up to maxDelayMs, so a worker that crashes at
 * once (Redis gone, a bad deploy) is not restarted in a tight loop. One that ran stableAfterMs
 * resets the wait.
 */
export const WORKER_RESTART = { firstDelayMs: 100, maxDelayMs: 10_000, stableAfterMs: 30_000 };

/**
 * How long a durable write waits for replicas to acknowledge it (Redis WAIT, REDIS_WAIT_REPLICAS).
 * A replica on the same network answers in about a millisecond; this only bounds how long a write
 * may be held up by a replica that lags or is gone. Well below the store's command timeout.
 */
export const REPLICA_ACKNOWLEDGEMENT_TIMEOUT_MS = 500;

/** Largest admin API request body. */
export const ADMIN_BODY_LIMIT = '64kb';
/** Minimum length of the deployment admin token in production (contract). */
export const ADMIN_TOKEN_MIN_LENGTH = 32;
/**
 * Least key material for COOKIE_KEYS (each key) and KEY_ENCRYPTION_KEY in production: 32
 * characters, what `openssl rand -base64 32` gives a few more of (256 bits).
 */
export const SECRET_KEY_MIN_LENGTH = 32;
/** Fewer different characters than this in a key is typed text (`kkkk…`, `abcabc…`), not random. */
export const SECRET_KEY_MIN_DISTINCT_CHARACTERS = 10;

/** Tenant ids that name routes or Microsoft's tenant-less endpoints, never a tenant. */
export const RESERVED_TENANT_IDS = new Set([
  'common', 'organizations', 'consumers', 'admin', 'healthz', 'readyz', 'metrics', 'dev', 'demo',
  'static', 'assets', 'favicon.ico', 'robots.txt', 'interaction', 'sign-in', 'v2.0', 'oauth2',
]);

/**
 * A tenant's square logo (contract: at most 100 KiB, PNG or JPEG). Graph recommends 240x240 for
 * the square logo; 1024 on a side leaves room for high-density screens and keeps decoding cheap.
 */
export const LOGO_MAX_BYTES = 100 * 1024;
export const LOGO_MAX_PIXELS = 1024;
/**
 * How long browsers may keep a served logo or branding stylesheet without asking again. The URLs
 * pages use carry a version, so a change is a new URL; an old URL is revalidated by ETag after this.
 */
export const BRANDING_CACHE_SECONDS = 60 * 60;
/** The longest signInPageText and usernameHintText (Graph's limits). */
export const SIGN_IN_PAGE_TEXT_MAX_LENGTH = 1024;
export const USERNAME_HINT_TEXT_MAX_LENGTH = 64;

/**
 * The sign-in and audit logs (src/activity/): entries are kept this many days (Entra keeps 30 with
 * a premium licence), SIGN_IN_LOG_RETENTION_DAYS changes it for both, up to a year.
 */
export const DEFAULT_ACTIVITY_LOG_RETENTION_DAYS = 30;
export const MAX_ACTIVITY_LOG_RETENTION_DAYS = 366;
/**
 * Log entries read to answer one page of a filtered log: a filter that matches few entries gets a
 * short page with @odata.nextLink instead of reading the whole month in one request.
 */
export const ACTIVITY_LOG_SCAN_LIMIT = 5_000;
/**
 * A tenant's log keeps at most about this many entries, whatever their age: every request to a
 * junk interaction or invitation link is logged (the guest may quote its reference), so a flood
 * must not grow a stream without bound. About 400 MB of Redis memory at the worst.
 */
export const ACTIVITY_LOG_MAX_ENTRIES = 1_000_000;
/** Graph's default and largest page sizes for the sign-in and audit logs. */
export const ACTIVITY_LOG_PAGE_SIZE = 100;
export const ACTIVITY_LOG_MAX_PAGE_SIZE = 1_000;
/**
 * The tenant console (src/console): its session lasts this long from sign-in, not sliding (an
 * administrator's session is kept short, as the Azure portal's is); a sign-in in progress (state,
 * nonce and PKCE verifier) is kept this long; guests shown per page of the console's list.
 */
export const CONSOLE_SESSION_TTL_SECONDS = 60 * 60;
export const CONSOLE_SIGN_IN_TTL_SECONDS = 10 * 60;
export const CONSOLE_PAGE_SIZE = 20;
