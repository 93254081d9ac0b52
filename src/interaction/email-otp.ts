import { createHash } from 'node:crypto';

import type { Logger } from 'pino';

import type { User } from '../guests/user.ts';
import {
  PASSCODE_FAILURE_LIMIT, PASSCODE_MAX_ATTEMPTS, PASSCODE_RESEND_COOLDOWN_SECONDS,
  PASSCODE_SEND_WINDOW_SECONDS, PASSCODE_SENDS_PER_ADDRESS,
} from '../limits.ts';
import { type MailTemplates } from '../mail/mail-templates.ts';
import { MailDeliveryError, type Mailer } from '../mail/mailer.ts';
import type { KeyValueStore } from '../store/key-value-store.ts';
import type { Keys } from '../store/keys.ts';
import type { RateLimiter } from '../store/rate-limiter.ts';
import type { SignInRepository, SignInState } from '../store/sign-in-repository.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { generatePasscode, isWellFormedPasscode, type PasscodeMac } from './passcodes.ts';

export type SendOutcome =
  | { kind: 'sent' }
  | { kind: 'tooSoon'; retryAfterSeconds: number }
  | { kind: 'rateLimited'; retryAfterSeconds: number }
  | { kind: 'mailFailed' };

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
  mailer: Mailer;
  templates: MailTemplates;
  mac: PasscodeMac;
  otpTtlSeconds: number;
  /** Codes mailed per client IP in PASSCODE_SEND_WINDOW_SECONDS. */
  sendsPerIp: number;
  log: Logger;
}

/**
 * Email one-time passcodes: sending one for a sign-in attempt and checking what the guest typed.
 *
 * Sending behaves the same for every address, invited or not: the same limits, the same stored
 * record, one connection to the mail server (a real message for a known user, a probe otherwise),
 * the same answer. Only the inbox of a known user ever gets a code.
 */
export class EmailOtp {
  readonly #deps: EmailOtpDependencies;
  readonly #failures: RateLimiter;
  readonly #sendsPerAddress: RateLimiter;
  readonly #sendsPerIp: RateLimiter;

  constructor(deps: EmailOtpDependencies) {
    this.#deps = deps;
    this.#failures = deps.store.rateLimiter(deps.keys.rateLimit('passcode-failures'), PASSCODE_FAILURE_LIMIT);
    this.#sendsPerAddress = deps.store.rateLimiter(deps.keys.rateLimit('passcode-sends-address'), {
      points: PASSCODE_SENDS_PER_ADDRESS, durationSeconds: PASSCODE_SEND_WINDOW_SECONDS,
    });
    this.#sendsPerIp = deps.store.rateLimiter(deps.keys.rateLimit('passcode-sends-ip'), {
      points: deps.sendsPerIp, durationSeconds: PASSCODE_SEND_WINDOW_SECONDS,
    });
  }

  /**
   * Mails a new code for this sign-in (replacing any earlier one) when the address belongs to
   * `user`; for an address without a user, does the same work and mails nothing.
   */
  async send(tenant: Tenant, uid: string, state: SignInState & { email: string }, user: User | undefined, clientIp: string, now = Date.now()): Promise<SendOutcome> {
    const { signIns, mailer, templates, mac, otpTtlSeconds } = this.#deps;
    const sinceLast = state.passcodeSentAt === undefined ? Infinity : now / 1000 - state.passcodeSentAt;
    const lastStillUsable = !state.passcodeUsed && !state.passcodeDead && sinceLast < otpTtlSeconds;
    if (lastStillUsable && sinceLast < PASSCODE_RESEND_COOLDOWN_SECONDS) {
      return { kind: 'tooSoon', retryAfterSeconds: Math.ceil(PASSCODE_RESEND_COOLDOWN_SECONDS - sinceLast) };
    }

    const [byAddress, byIp] = await Promise.all([
      this.#sendsPerAddress.hit(addressKey(tenant.id, state.email)),
      this.#sendsPerIp.hit(`${tenant.id}:${clientIp}`),
    ]);
    if (!byAddress.allowed || !byIp.allowed) {
      return { kind: 'rateLimited', retryAfterSeconds: Math.max(byAddress.retryAfterSeconds, byIp.retryAfterSeconds) };
    }

    const code = generatePasscode();
    const binding = { tenantId: tenant.id, uid, email: state.email };
    await signIns.savePasscode(tenant.id, uid, { mac: mac.mac(binding, code), email: state.email, userId: user?.id ?? '' }, otpTtlSeconds);

    try {
      if (user) {
        await mailer.send(templates.passcode({ to: state.email, tenantName: tenant.displayName, code, validForSeconds: otpTtlSeconds }));
      } else {
        await mailer.probe();
      }
    } catch (error) {
      if (!(error instanceof MailDeliveryError)) throw error;
      await signIns.discardPasscode(tenant.id, uid);
      return { kind: 'mailFailed' };
    }
    return { kind: 'sent' };
  }

  /** Checks a typed code against this sign-in's code. Every wrong one counts, per code and per address. */
  async verify(tenant: Tenant, uid: string, state: SignInState & { email: string }, code: string): Promise<VerifyOutcome> {
    const { signIns, mac } = this.#deps;
    if (!isWellFormedPasscode(code)) return { kind: 'malformed' };

    const address = addressKey(tenant.id, state.email);
    const lockout = await this.#failures.check(address);
    if (!lockout.allowed) return { kind: 'lockedOut', retryAfterSeconds: lockout.retryAfterSeconds };
    if (state.passcodeUsed) return { kind: 'used' };
    if (state.passcodeDead) return { kind: 'dead' };

    // Counting the attempt before comparing caps the guesses per code even when they arrive at once.
    const stored = await signIns.attemptPasscode(tenant.id, uid);
    if (!stored) return { kind: 'expired' };
    if (stored.attempts > PASSCODE_MAX_ATTEMPTS) {
      await signIns.discardPasscode(tenant.id, uid);
      return { kind: 'dead' };
    }

    const binding = { tenantId: tenant.id, uid, email: state.email };
    // A code of an address without a user never matches: nobody was ever told it.
    const matches = stored.userId !== '' && stored.email === state.email && mac.matches(binding, code, stored.mac);
    if (!matches) {
      const failures = await this.#failures.hit(address);
      if (stored.attempts >= PASSCODE_MAX_ATTEMPTS) await signIns.discardPasscode(tenant.id, uid);
      // The last allowed failure locks the address at once: the guest learns it now, not on the next try.
      if (!failures.allowed || failures.remaining === 0) return { kind: 'lockedOut', retryAfterSeconds: failures.retryAfterSeconds };
      if (stored.attempts >= PASSCODE_MAX_ATTEMPTS) return { kind: 'dead' };
      return { kind: 'wrong', attemptsLeft: PASSCODE_MAX_ATTEMPTS - stored.attempts };
    }

    if (!(await signIns.consumePasscode(tenant.id, uid))) return { kind: 'used' };
    await this.#failures.reset(address);
    return { kind: 'verified', userId: stored.userId };
  }
}

/** Limiter key for an address in a tenant: hashed, so no address is kept in a counter's name. */
function addressKey(tenantId: string, email: string): string {
  return `${tenantId}:${createHash('sha256').update(email).digest('base64url')}`;
}
