import { SECOND_FACTOR_FAILURE_LIMIT } from '../limits.ts';
import { AuthenticationMethodRepository } from '../store/authentication-method-repository.ts';
import type { KeyValueStore } from '../store/key-value-store.ts';
import type { Keys } from '../store/keys.ts';
import type { RateLimiter } from '../store/rate-limiter.ts';
import type { SecretBox } from '../store/secret-box.ts';

/** What every second-factor method works with (SignInDeps.mfa). */
export interface MfaServices {
  /** The users' enrolled methods. */
  methods: AuthenticationMethodRepository;
  /** Seals method secrets at rest (TOTP secrets), bound to tenant, user and method. */
  secrets: SecretBox;
  /**
   * Wrong second factors per user and tenant (a wrong TOTP or recovery code, a failed passkey),
   * over all sign-ins: SECOND_FACTOR_FAILURE_LIMIT, the same rule as email codes' per-address limit.
   */
  failures: RateLimiter;
  store: KeyValueStore;
  keys: Keys;
}

export function mfaServices(store: KeyValueStore, keys: Keys, secrets: SecretBox): MfaServices {
  return {
    methods: new AuthenticationMethodRepository(store, keys),
    secrets,
    failures: store.rateLimiter(keys.rateLimit('second-factor-failures'), SECOND_FACTOR_FAILURE_LIMIT),
    store,
    keys,
  };
}

/** The failure limiter's key for a user: ids, never an address. */
export function failureKey(tenantId: string, userId: string): string {
  return `${tenantId}:${userId}`;
}
