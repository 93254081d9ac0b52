import { createHash, randomUUID } from 'node:crypto';

import type { Logger } from 'pino';

import type { BrandingView } from '../branding/branding-view.ts';
import type { User } from '../guests/user.ts';
import type { Locale } from '../i18n/translate.ts';
import {
  PASSCODE_FAILURE_LIMIT, PASSCODE_MAX_ATTEMPTS, PASSCODE_RESEND_COOLDOWN_SECONDS, PASSCODE_SEND_WINDOW_SECONDS,
  PASSCODE_SENDS_PER_ADDRESS, PASSCODE_SENDS_PER_ADDRESS_DEPLOYMENT, PASSCODE_SENDS_PER_IP_DEPLOYMENT_FACTOR, TOKEN_TTL,
} from '../limits.ts';
import type { MailQueue } from '../mail/mail-queue.ts';
import type { Metrics } from '../ops/metrics.ts';
import { type MailTemplates } from '../mail/mail-templates.ts';
import type { KeyValueStore } from '../store/key-value-store.ts';
import type { Keys } from '../store/keys.ts';
import type { RateLimiter } from '../store/rate-limiter.ts';
import type { SignInRepository, SignInState } from '../store/sign-in-repository.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { generatePasscode, isWellFormedPasscode, type PasscodeMac } from './passcodes.ts';

/** What the code mail says besides the code: in the guest's language, for which app, in whose look. */
export interface PasscodeMailContext {
  locale: Locale;
  /** The app the guest is signing in to; undefined when they are accepting an invitation. */
  appName: string | undefined;
  /** The tenant's branding, as the sign-in pages show it. */
  branding: BrandingView;
}

export type SendOutcome =
  /** `state`: the sign-in's state after the send, stored with the code. */
  | { kind: 'sent'; mailId: string; state: SignInState }
  | { kind: 'tooSoon'; retryAfterSeconds: number }
  | { kind: 'rateLimited'; retryAfterSeconds: number };

export type VerifyOutcome =
  | { kind: 'verified'; userId: string }
  | { kind: 'malformed' }
  | { kind: 'wrong'; attemptsLeft: number }
  | { kind: 'dead' }
  | { kind: 'expired' }
  | { kind: 'used' }
  | { kind: 'lockedOut'; retryAfterSeconds: number };

export interface EmailOtpDependencies {
  store: KeyValueStore;
  keys: Keys;
  signIns: SignInRepository;
  mail: MailQueue;
  templates: MailTemplates;
  mac: PasscodeMac;
  otpTtlSeconds: number;
  /** Codes mailed per client IP in PASSCODE_SEND_WINDOW_SECONDS. */
  sendsPerIp: number;
  log: Logger;
  metrics: Metrics;
}

/**
 * Email one-time passcodes: sending one for a sign-in attempt and checking what the guest typed.
 *
 * Sending does the same work for every address, invited or not: the same limits, the same stored
 * record, the same composed and sealed mail queued, the same answer, before any mail goes out. The
 * mail worker then delivers the code to a known user's address, and for an address without one
 * only checks the mail server. Only the inbox of a known user ever gets a code.
 */
export class EmailOtp {
  readonly #deps: EmailOtpDependencies;
  readonly #failures: RateLimiter;
  readonly #sendLimits: Array<{ limiter: RateLimiter; key: (tenantId: string, email: string, clientIp: string) => string }>;

  constructor(deps: EmailOtpDependencies) {
    this.#deps = deps;
    const { store, keys } = deps;
    const window = (points: number) => ({ points, durationSeconds: PASSCODE_SEND_WINDOW_SECONDS });
    this.#failures = store.rateLimiter(keys.rateLimit('passcode-failures'), PASSCODE_FAILURE_LIMIT);
    this.#sendLimits = [
      { limiter: store.rateLimiter(keys.rateLimit('passcode-sends-address'), window(PASSCODE_SENDS_PER_ADDRESS)), key: (tenantId, email) => addressKey(tenantId, email) },
      { limiter: store.rateLimiter(keys.rateLimit('passcode-sends-ip'), window(deps.sendsPerIp)), key: (tenantId, _email, ip) => `${tenantId}:${ip}` },
      // Keyed without the tenant: caps across the deployment, whatever tenants an attacker holds.
      { limiter: store.rateLimiter(keys.rateLimit('passcode-sends-address-all'), window(PASSCODE_SENDS_PER_ADDRESS_DEPLOYMENT)), key: (_tenantId, email) => addressHash(email) },
      { limiter: store.rateLimiter(keys.rateLimit('passcode-sends-ip-all'), window(deps.sendsPerIp * PASSCODE_SENDS_PER_IP_DEPLOYMENT_FACTOR)), key: (_tenantId, _email, ip) => ip },
    ];
  }

  /**
   * Queues a new code for this sign-in (replacing any earlier one): mailed when the address
   * belongs to `user`; for an address without a user, the same work, and nothing mailed.
   * `lastMailUndelivered`: the mail of the code sent before finally failed (a new one may go at once).
   */
  async send(
    tenant: Tenant, uid: string, state: SignInState & { email: string }, user: User | undefined, clientIp: string,
    context: PasscodeMailContext, lastMailUndelivered: boolean, now = Date.now(),
  ): Promise<SendOutcome> {
    const { signIns, mail, templates, mac, otpTtlSeconds } = this.#deps;
    const sinceLast = state.passcodeSentAt === undefined ? Infinity : now / 1000 - state.passcodeSentAt;
    const lastStillUsable = !state.passcodeUsed && !state.passcodeDead && !lastMailUndelivered && sinceLast < otpTtlSeconds;
    if (lastStillUsable && sinceLast < PASSCODE_RESEND_COOLDOWN_SECONDS) {
      return { kind: 'tooSoon', retryAfterSeconds: Math.ceil(PASSCODE_RESEND_COOLDOWN_SECONDS - sinceLast) };
    }

    const verdicts = await Promise.all(this.#sendLimits.map(({ limiter, key }) => limiter.hit(key(tenant.id, state.email, clientIp))));
    if (verdicts.some((verdict) => !verdict.allowed)) {
      this.#deps.metrics.rateLimitRefusals.inc({ limit: 'passcode_sends' });
      return { kind: 'rateLimited', retryAfterSeconds: Math.max(...verdicts.filter((verdict) => !verdict.allowed).map((verdict) => verdict.retryAfterSeconds)) };
    }

    const code = generatePasscode();
    const binding = { tenantId: tenant.id, uid, email: state.email };
    const message = templates.passcode({
      to: state.email, tenantName: tenant.displayName, appName: context.appName, code,
      validForSeconds: otpTtlSeconds, expiresAt: new Date(now + otpTtlSeconds * 1000), locale: context.locale,
      branding: context.branding,
    });
    const mailId = randomUUID();
    const sent: SignInState = { ...state, passcodeSentAt: Math.floor(now / 1000), passcodeMailId: mailId, passcodeUsed: false, passcodeDead: false };
    await signIns.savePasscode(tenant.id, uid, { mac: mac.mac(binding, code), email: state.email, userId: user?.id ?? '' }, otpTtlSeconds, sent, TOKEN_TTL.Interaction);
    await mail.enqueue(message, { mailId, deliver: user !== undefined, signIn: { tenantId: tenant.id, uid } });
    this.#deps.metrics.passcodesSent.inc();
    return { kind: 'sent', mailId, state: sent };
  }

  /**
   * Checks a typed code against this sign-in's code. Every wrong one counts, per code and per
   * address, and both counts are taken before the comparison: guesses fired at once cannot all
   * pass a check made before any of them was counted. The address's count comes first: a guess at
   * a locked address never touches the code (so the code's count is the number of comparisons).
   * A right code is used up and the sign-in's state marked so, in one write.
   */
  async verify(tenant: Tenant, uid: string, state: SignInState & { email: string }, code: string): Promise<VerifyOutcome> {
    const { signIns, mac } = this.#deps;
    if (!isWellFormedPasscode(code)) return { kind: 'malformed' };

    const address = addressKey(tenant.id, state.email);
    const failure = await this.#failures.hit(address);
    if (!failure.allowed) {
      this.#deps.metrics.rateLimitRefusals.inc({ limit: 'passcode_failures' });
      return { kind: 'lockedOut', retryAfterSeconds: failure.retryAfterSeconds };
    }
    // Nothing compared: the point taken is given back.
    const refund = async <T>(outcome: T): Promise<T> => {
      await this.#failures.refund(address);
      return outcome;
    };
    if (state.passcodeUsed) return refund({ kind: 'used' });
    if (state.passcodeDead) return refund({ kind: 'dead' });

    const stored = await signIns.attemptPasscode(tenant.id, uid);
    if (!stored) return refund({ kind: 'expired' });
    if (stored.attempts > PASSCODE_MAX_ATTEMPTS) {
      await signIns.discardPasscode(tenant.id, uid);
      return refund({ kind: 'dead' });
    }

    const binding = { tenantId: tenant.id, uid, email: state.email };
    // A code of an address without a user never matches: nobody was ever told it.
    const matches = stored.userId !== '' && stored.email === state.email && mac.matches(binding, code, stored.mac);
    if (!matches) {
      if (stored.attempts >= PASSCODE_MAX_ATTEMPTS) await signIns.discardPasscode(tenant.id, uid);
      // The last allowed failure locks the address at once: the guest learns it now, not on the next try.
      if (failure.remaining === 0) {
        this.#deps.metrics.rateLimitRefusals.inc({ limit: 'passcode_failures' });
        return { kind: 'lockedOut', retryAfterSeconds: failure.retryAfterSeconds };
      }
      if (stored.attempts >= PASSCODE_MAX_ATTEMPTS) return { kind: 'dead' };
      return { kind: 'wrong', attemptsLeft: PASSCODE_MAX_ATTEMPTS - stored.attempts };
    }

    // A successful sign-in clears the address's failures (the point taken for it with them); when
    // another request used the code first, it did the same.
    const [consumed] = await Promise.all([
      signIns.consumePasscode(tenant.id, uid, { ...state, passcodeUsed: true }, TOKEN_TTL.Interaction),
      this.#failures.reset(address),
    ]);
    if (!consumed) return { kind: 'used' };
    return { kind: 'verified', userId: stored.userId };
  }
}

/** An address, hashed: no address is kept in a counter's name. */
function addressHash(email: string): string {
  return createHash('sha256').update(email).digest('base64url');
}

/** Limiter key for an address in a tenant. */
function addressKey(tenantId: string, email: string): string {
  return `${tenantId}:${addressHash(email)}`;
}
