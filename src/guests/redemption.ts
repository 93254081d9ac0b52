import { NotFoundError } from '../errors.ts';
import type { InvitationRepository } from '../store/invitation-repository.ts';
import type { UserRepository } from '../store/user-repository.ts';
import type { FederatedSource } from '../federation/upstream.ts';
import type { UpstreamSignIn } from '../federation/upstream-connector.ts';
import { normalizeEmail, type SignInSource, type User } from './user.ts';

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

  /** `stored` is the record as it is in the store when `user` carries changes not written yet. */
  async recordSignIn(tenantId: string, user: User, source: SignInSource, now = new Date(), stored: User = user): Promise<User> {
    const at = now.toISOString();
    const redeeming = user.userType === 'Guest' && user.externalUserState !== 'Accepted';
    const next: User = {
      ...user,
      lastSignInDateTime: at,
      ...(redeeming ? { externalUserState: 'Accepted', externalUserStateChangeDateTime: at, source } : {}),
      ...(!redeeming && !user.source ? { source } : {}),
    };
    if (!(await this.#users.update(tenantId, stored, next))) throw new NotFoundError(`User '${user.id}' no longer exists in tenant '${tenantId}'.`);
    if (redeeming) await this.#invitations.retireTickets(tenantId, user.id);
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
