import { NotFoundError } from '../errors.ts';
import type { InvitationRepository } from '../store/invitation-repository.ts';
import type { UserRepository } from '../store/user-repository.ts';
import type { SignInSource, User } from './user.ts';

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

  async recordSignIn(tenantId: string, user: User, source: SignInSource, now = new Date()): Promise<User> {
    const at = now.toISOString();
    const redeeming = user.userType === 'Guest' && user.externalUserState !== 'Accepted';
    const next: User = {
      ...user,
      lastSignInDateTime: at,
      ...(redeeming ? { externalUserState: 'Accepted', externalUserStateChangeDateTime: at, source } : {}),
      ...(!redeeming && !user.source ? { source } : {}),
    };
    if (!(await this.#users.update(tenantId, user, next))) throw new NotFoundError(`User '${user.id}' no longer exists in tenant '${tenantId}'.`);
    if (redeeming) await this.#invitations.retireTickets(tenantId, user.id);
    return next;
  }
}
