import { NotFoundError } from '../errors.ts';
import type { InvitationRepository } from '../store/invitation-repository.ts';
import type { KeyValueStore } from '../store/key-value-store.ts';
import type { Keys } from '../store/keys.ts';
import { revokeAccount } from '../store/oidc-adapter.ts';
import type { UserFilter, UserPage, UserRepository } from '../store/user-repository.ts';
import type { User } from './user.ts';

/**
 * What an administrator does with a tenant's users after inviting them: list, look up, delete,
 * and reset redemption. Deleting or resetting ends the user's sessions, grants and tokens in that
 * tenant at once.
 */
export class Guests {
  readonly #users: UserRepository;
  readonly #invitations: InvitationRepository;
  readonly #store: KeyValueStore;
  readonly #keys: Keys;

  constructor(users: UserRepository, invitations: InvitationRepository, store: KeyValueStore, keys: Keys) {
    this.#users = users;
    this.#invitations = invitations;
    this.#store = store;
    this.#keys = keys;
  }

  list(tenantId: string, filter: UserFilter, offset: number, limit: number): Promise<UserPage> {
    return this.#users.list(tenantId, filter, offset, limit);
  }

  /** Stores a member; false when the address already has a user in the tenant. */
  createMember(tenantId: string, member: User): Promise<boolean> {
    return this.#users.create(tenantId, member);
  }

  findByMail(tenantId: string, mail: string): Promise<User | undefined> {
    return this.#users.findByMail(tenantId, mail);
  }

  async get(tenantId: string, userId: string): Promise<User> {
    const user = await this.#users.find(tenantId, userId);
    if (!user) throw new NotFoundError(`User '${userId}' does not exist in tenant '${tenantId}'.`);
    return user;
  }

  /** Signs the user out everywhere in the tenant: sessions, grants, refresh and access tokens. */
  revokeSignIns(tenantId: string, userId: string): Promise<void> {
    return revokeAccount(this.#store, this.#keys, tenantId, userId);
  }

  async delete(tenantId: string, userId: string): Promise<void> {
    const user = await this.get(tenantId, userId);
    // Sign-ins first: if a later step fails the user still exists, and deleting again finishes it.
    await this.revokeSignIns(tenantId, user.id);
    await this.#invitations.retireTickets(tenantId, user.id);
    await this.#users.delete(tenantId, user);
  }

  /**
   * Graph's resetRedemption: the recorded sign-in method is cleared and the guest is pending
   * again, signed out everywhere; their next sign-in goes through home-realm discovery afresh.
   */
  async resetRedemption(tenantId: string, user: User): Promise<User> {
    const reset: User = {
      ...user,
      externalUserState: 'PendingAcceptance',
      externalUserStateChangeDateTime: new Date().toISOString(),
      source: null,
      upstreamIdentity: null,
    };
    if (!(await this.#users.update(tenantId, user, reset))) throw new NotFoundError(`User '${user.id}' does not exist in tenant '${tenantId}'.`);
    await this.revokeSignIns(tenantId, user.id);
    return reset;
  }
}
