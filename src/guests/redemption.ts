import { isDeepStrictEqual } from 'node:util';

import { AccountBlockedError, ConcurrentChangeError, NotFoundError } from '../errors.ts';
import { CONCURRENT_WRITE_ATTEMPTS } from '../limits.ts';
import type { InvitationRepository } from '../store/invitation-repository.ts';
import { CHANGED, retryChanged } from '../store/record-version.ts';
import type { UserRepository } from '../store/user-repository.ts';
import type { FederatedSource } from '../federation/upstream.ts';
import type { UpstreamSignIn } from '../federation/upstream-connector.ts';
import { isAccountEnabled, normalizeEmail, type SignInSource, type User } from './user.ts';

/** Why an upstream sign-in does not sign this user in. */
export type FederatedRefusal =
  /** The tenant has no user with the address the guest gave. */
  | 'notInvited'
  /** The user is linked to another upstream account (or redeemed some other way). */
  | 'differentAccount'
  /** The upstream provider does not vouch for the address. */
  | 'unverifiedEmail'
  /** The upstream account has another address than the invited one. */
  | 'emailMismatch';

export type FederatedOutcome = { kind: 'signedIn'; user: User } | { kind: 'refused'; reason: FederatedRefusal };

/**
 * Records a successful sign-in. The first one of a guest redeems the invitation:
 * `PendingAcceptance` becomes `Accepted`, the method becomes the guest's sticky `source`, and every
 * open invitation link of the guest stops working.
 */
export class Redemptions {
  readonly #users: UserRepository;
  readonly #invitations: InvitationRepository;

  constructor(users: UserRepository, invitations: InvitationRepository) {
    this.#users = users;
    this.#invitations = invitations;
  }

  /**
   * `stored` is the record as it is in the store when `user` carries changes not written yet.
   *
   * The write is compare-and-set. When someone else wrote the user since it was read (another
   * sign-in, a rename), the sign-in is recorded again on the fresh record. When what the sign-in
   * was decided on changed (an administrator reset the redemption, the user was deleted), it is
   * refused: the guest starts again and goes through home-realm discovery afresh. A blocked user
   * (accountEnabled false) is refused with AccountBlockedError, checked on the record written against.
   */
  async recordSignIn(tenantId: string, user: User, source: SignInSource, now = new Date(), stored: User = user): Promise<User> {
    const changes = changedFields(stored, user);
    // Another sign-in of the same guest (a second tab) that got there first leaves what this one
    // would have written: that is no reason to refuse.
    const intended = signedIn({ ...stored, ...changes }, source, now);
    let current: User | undefined = stored;
    const next = await retryChanged(CONCURRENT_WRITE_ATTEMPTS, async () => {
      current ??= await this.#users.find(tenantId, user.id);
      if (!current) throw new NotFoundError(`User '${user.id}' no longer exists in tenant '${tenantId}'.`);
      if (!isAccountEnabled(current)) throw new AccountBlockedError(`User '${user.id}' of tenant '${tenantId}' is blocked from signing in.`);
      if (!sameRedemption(current, stored) && !sameRedemption(current, intended)) throw new ConcurrentChangeError(`User '${user.id}' of tenant '${tenantId}'`);
      const written = await this.#users.update(tenantId, current, signedIn({ ...current, ...changes }, source, now));
      current = undefined;
      return written ?? CHANGED;
    }, () => new ConcurrentChangeError(`User '${user.id}' of tenant '${tenantId}'`));
    if (isRedeeming(stored)) await this.#invitations.retireTickets(tenantId, user.id);
    return next;
  }

  /**
   * A sign-in at an upstream provider. An existing link must match exactly (issuer and subject);
   * the first sign-in links the user, but only with a verified email that is the user's address,
   * so an upstream email claim alone never takes over a user.
   */
  async recordFederatedSignIn(
    tenantId: string,
    user: User | undefined,
    source: FederatedSource,
    upstream: UpstreamSignIn,
    identityProviderId: string | undefined,
  ): Promise<FederatedOutcome> {
    if (!user) return { kind: 'refused', reason: 'notInvited' };
    const linked = user.upstreamIdentity;
    if (linked) {
      if (linked.issuer !== upstream.issuer || linked.subject !== upstream.subject) return { kind: 'refused', reason: 'differentAccount' };
      return { kind: 'signedIn', user: await this.recordSignIn(tenantId, user, source) };
    }
    if (user.userType === 'Guest' && user.externalUserState === 'Accepted') return { kind: 'refused', reason: 'differentAccount' };
    if (!upstream.emailVerified) return { kind: 'refused', reason: 'unverifiedEmail' };
    if (!upstream.email || normalizeEmail(upstream.email) !== user.mail) return { kind: 'refused', reason: 'emailMismatch' };

    const linkedUser: User = {
      ...user,
      displayName: user.displayName ?? upstream.name ?? null,
      upstreamIdentity: { issuer: upstream.issuer, subject: upstream.subject, ...(identityProviderId ? { identityProviderId } : {}) },
    };
    return { kind: 'signedIn', user: await this.recordSignIn(tenantId, linkedUser, source, new Date(), user) };
  }
}

function isRedeeming(user: User): boolean {
  return user.userType === 'Guest' && user.externalUserState !== 'Accepted';
}

/** The user after a successful sign-in: the first one of a guest redeems the invitation. */
function signedIn(user: User, source: SignInSource, now: Date): User {
  const at = now.toISOString();
  const redeeming = isRedeeming(user);
  return {
    ...user,
    lastSignInDateTime: at,
    ...(redeeming ? { externalUserState: 'Accepted', externalUserStateChangeDateTime: at, source } : {}),
    ...(!redeeming && !user.source ? { source } : {}),
  };
}

/** What a sign-in decided its method on: when any of it changed meanwhile, the sign-in no longer holds. */
const REDEMPTION_FIELDS = ['userType', 'externalUserState', 'source', 'upstreamIdentity'] as const;

function sameRedemption(current: User, read: User): boolean {
  return REDEMPTION_FIELDS.every((field) => isDeepStrictEqual(current[field] ?? null, read[field] ?? null));
}

/** The fields a caller changed on top of the stored record (a new upstream link, a display name). */
function changedFields(stored: User, user: User): Partial<User> {
  return Object.fromEntries(Object.entries(user).filter(([field, value]) => field !== 'version'
    && !isDeepStrictEqual(value, stored[field as keyof User]))) as Partial<User>;
}
