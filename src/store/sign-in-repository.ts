import type { UpstreamReference } from '../federation/upstream.ts';
import type { SignInMethod } from '../interaction/home-realm-discovery.ts';
import type { SecondFactorKind } from '../mfa/authentication-method.ts';
import type { KeyValueStore } from './key-value-store.ts';
import type { Keys } from './keys.ts';

/** What our pages remember about one sign-in attempt (one oidc-provider interaction). */
export interface SignInState {
  /** Synchronizer token every form of this sign-in must send back. */
  csrfToken: string;
  /** The language this sign-in settled on at its first page (guest-locale.ts), kept for every step. */
  locale?: string;
  /** The address the guest entered (or that login_hint / the invitation gave). */
  email?: string;
  /** The address may not be changed: redemption of an invitation for it. */
  emailLocked?: boolean;
  /** What home-realm discovery chose for the address (checked again before a code is sent). */
  method?: SignInMethod;
  /** Epoch seconds of the last code sent in this sign-in. */
  passcodeSentAt?: number;
  /** The queued mail of that code (MailQueue's id), to tell whether it finally failed. */
  passcodeMailId?: string;
  /** The code of this sign-in was used successfully. */
  passcodeUsed?: boolean;
  /** The code of this sign-in died of too many wrong tries. */
  passcodeDead?: boolean;
  /** The first factor passed and a second one is due (src/mfa/second-factor-gate.ts). */
  secondFactor?: PendingSecondFactor;
}

/** A sign-in between its first and second factor. */
export interface PendingSecondFactor {
  /** Who passed the first factor. */
  userId: string;
  /** The first factor's amr values (["otp"] for an email code, the upstream's own, or none). */
  firstAmr: string[];
  /** How the first factor was passed, for the sign-in log. */
  firstMethod: SignInMethod;
  /** The second factors this sign-in may enrol or use. */
  methods: SecondFactorKind[];
  /** Why one is due: the tenant's guestMfa policy, or the app's acr_values=mfa. */
  reason: 'policy' | 'acrValues';
  /**
   * A method's in-flight values between its pages, by name (a TOTP secret being enrolled, sealed;
   * a WebAuthn challenge). Methods prefix their names with their kind: `totp.secret`, `passkey.challenge`.
   */
  pending?: Record<string, string>;
  /**
   * The second factor passed; the guest is still to save their new recovery codes (kept here,
   * sealed, until they confirm) before the sign-in finishes.
   */
  passed?: { kind: SecondFactorKind | 'recoveryCode'; amr: string[]; sealedRecoveryCodes?: string };
}

/** A code as stored: only its MAC, the address it was sent to, whose it is, and the attempts made on it. */
export interface StoredPasscode {
  mac: string;
  email: string;
  /** The user the code signs in; empty for an address without one (such a code can never work). */
  userId: string;
  attempts: number;
}

/** An invitation redemption in progress, keyed by the state of its authorization request. */
export interface RedemptionInProgress {
  ticketHash: string;
  inviteRedirectUrl: string;
}

/** A sign-in sent to an upstream provider, keyed by the state parameter sent with it. */
export interface FederationInProgress {
  /** The interaction it belongs to: the callback must come back to the same one. */
  uid: string;
  upstream: UpstreamReference;
  email: string;
  nonce: string;
  codeVerifier: string;
}

/**
 * Short-lived records of a sign-in: page state, the passcode, and redemptions in progress. All of
 * them expire on their own (interaction or passcode lifetime).
 */
export class SignInRepository {
  readonly #store: KeyValueStore;
  readonly #keys: Keys;

  constructor(store: KeyValueStore, keys: Keys) {
    this.#store = store;
    this.#keys = keys;
  }

  /**
   * The state with the id of its code mail that finally failed (recordUndeliveredCode), in one
   * round trip: every page of the sign-in needs both.
   */
  async stateWithDelivery(tenantId: string, uid: string): Promise<{ state: SignInState | undefined; undeliveredMailId: string | undefined }> {
    const [state, undelivered] = await this.#store.getMany([this.#keys.signInState(tenantId, uid), this.#keys.undeliveredCode(tenantId, uid)]);
    return { state: state ? (JSON.parse(state) as SignInState) : undefined, undeliveredMailId: undelivered ?? undefined };
  }

  async saveState(tenantId: string, uid: string, state: SignInState, ttlSeconds: number): Promise<void> {
    await this.#store.write([{ type: 'set', key: this.#keys.signInState(tenantId, uid), value: JSON.stringify(state), ttlSeconds }]);
  }

  /**
   * Stores the sign-in's code, replacing any earlier one (only the newest code works), and the
   * sign-in's state that names it, in one write.
   */
  async savePasscode(
    tenantId: string, uid: string, passcode: Omit<StoredPasscode, 'attempts'>, ttlSeconds: number, state: SignInState, stateTtlSeconds: number,
  ): Promise<void> {
    const key = this.#keys.passcode(tenantId, uid);
    await this.#store.write([
      { type: 'delete', key },
      { type: 'hashSet', key, fields: { mac: passcode.mac, email: passcode.email, userId: passcode.userId, attempts: '0' }, ttlSeconds },
      { type: 'set', key: this.#keys.signInState(tenantId, uid), value: JSON.stringify(state), ttlSeconds: stateTtlSeconds },
    ]);
  }

  /** Counts one attempt on the sign-in's code and returns it; undefined when there is none (expired). */
  async attemptPasscode(tenantId: string, uid: string): Promise<StoredPasscode | undefined> {
    const stored = await this.#store.hashIncrement(this.#keys.passcode(tenantId, uid), 'attempts');
    if (!stored?.mac || !stored.email) return undefined;
    return { mac: stored.mac, email: stored.email, userId: stored.userId ?? '', attempts: Number(stored.attempts) };
  }

  /**
   * Uses the code up and stores the sign-in's state after it, atomically. False (and nothing
   * written) when the code was already gone: another request used it first.
   */
  consumePasscode(tenantId: string, uid: string, state: SignInState, ttlSeconds: number): Promise<boolean> {
    const key = this.#keys.passcode(tenantId, uid);
    return this.#store.write([
      { type: 'delete', key },
      { type: 'set', key: this.#keys.signInState(tenantId, uid), value: JSON.stringify(state), ttlSeconds },
    ], { present: [key] });
  }

  async discardPasscode(tenantId: string, uid: string): Promise<void> {
    await this.#store.write([{ type: 'delete', key: this.#keys.passcode(tenantId, uid) }]);
  }

  /** Notes that the code mail `mailId` of this sign-in could not be delivered, however often it was tried. */
  async recordUndeliveredCode(tenantId: string, uid: string, mailId: string, ttlSeconds: number): Promise<void> {
    await this.#store.write([{ type: 'set', key: this.#keys.undeliveredCode(tenantId, uid), value: mailId, ttlSeconds }]);
  }

  async saveFederation(tenantId: string, state: string, federation: FederationInProgress, ttlSeconds: number): Promise<void> {
    await this.#store.write([{ type: 'set', key: this.#keys.federation(tenantId, state), value: JSON.stringify(federation), ttlSeconds }]);
  }

  async federation(tenantId: string, state: string): Promise<FederationInProgress | undefined> {
    const stored = await this.#store.get(this.#keys.federation(tenantId, state));
    return stored ? (JSON.parse(stored) as FederationInProgress) : undefined;
  }

  /** Single use: an upstream answer is redeemed once. */
  async takeFederation(tenantId: string, state: string): Promise<FederationInProgress | undefined> {
    const stored = await this.#store.getAndDelete(this.#keys.federation(tenantId, state));
    return stored ? (JSON.parse(stored) as FederationInProgress) : undefined;
  }

  async saveRedemption(tenantId: string, state: string, redemption: RedemptionInProgress, ttlSeconds: number): Promise<void> {
    await this.#store.write([{ type: 'set', key: this.#keys.redemption(tenantId, state), value: JSON.stringify(redemption), ttlSeconds }]);
  }

  async redemption(tenantId: string, state: string): Promise<RedemptionInProgress | undefined> {
    const stored = await this.#store.get(this.#keys.redemption(tenantId, state));
    return stored ? (JSON.parse(stored) as RedemptionInProgress) : undefined;
  }

  /** Single use: the redemption's end can be reached once. */
  async takeRedemption(tenantId: string, state: string): Promise<RedemptionInProgress | undefined> {
    const stored = await this.#store.getAndDelete(this.#keys.redemption(tenantId, state));
    return stored ? (JSON.parse(stored) as RedemptionInProgress) : undefined;
  }
}
