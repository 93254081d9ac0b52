import { BadRequestError, ConcurrentChangeError, NotFoundError } from '../errors.ts';
import { CONCURRENT_WRITE_ATTEMPTS } from '../limits.ts';
import type { InvitationRepository } from '../store/invitation-repository.ts';
import type { KeyValueStore } from '../store/key-value-store.ts';
import type { Keys } from '../store/keys.ts';
import { revokeAccount } from '../store/oidc-adapter.ts';
import { CHANGED, retryChanged } from '../store/record-version.ts';
import type { UserCursor, UserFilter, UserPage, UserRepository } from '../store/user-repository.ts';
import { MEMBER_ROLES, type MemberRole, type User } from './user.ts';

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

  list(tenantId: string, filter: UserFilter, after: UserCursor | undefined, limit: number): Promise<UserPage> {
    return this.#users.list(tenantId, filter, after, limit);
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

  /**
   * An administrator's change of a user (PATCH): display name, a member's roles, and whether the
   * account may sign in. Blocking (accountEnabled false) ends the user's sessions, grants and
   * tokens once the block is written, so no sign-in can slip in between: one that finishes
   * meanwhile is refused by its own compare-and-set (redemption.ts) or loses its tokens here.
   */
  async update(tenantId: string, userId: string, changes: UserChanges): Promise<User> {
    const updated = await retryChanged(CONCURRENT_WRITE_ATTEMPTS, async () => {
      const user = await this.get(tenantId, userId);
      if (changes.roles !== undefined && user.userType !== 'Member') {
        throw new BadRequestError(`roles are for members only; user '${userId}' is a guest.`);
      }
      const next: User = {
        ...user,
        ...(changes.displayName !== undefined ? { displayName: changes.displayName } : {}),
        // Stored in one order whatever order they came in, each once.
        ...(changes.roles !== undefined ? { roles: MEMBER_ROLES.filter((role) => changes.roles?.includes(role)) } : {}),
        ...(changes.accountEnabled !== undefined ? { accountEnabled: changes.accountEnabled } : {}),
      };
      return (await this.#users.update(tenantId, user, next)) ?? CHANGED;
    }, () => new ConcurrentChangeError(`User '${userId}' of tenant '${tenantId}'`));
    // Every PATCH that says blocked revokes again: one whose revocation failed is finished by repeating it.
    if (changes.accountEnabled === false) await this.revokeSignIns(tenantId, userId);
    return updated;
  }

  /** Removes the user's second factors and recovery codes (src/mfa): their next sign-in that needs one enrols again. */
  async removeSecondFactors(tenantId: string, userId: string): Promise<void> {
    await this.#store.deleteSetsAndMembers([this.#keys.authenticationMethods(tenantId, userId)]);
  }

  async delete(tenantId: string, userId: string): Promise<void> {
    await retryChanged(CONCURRENT_WRITE_ATTEMPTS, async () => {
      const user = await this.get(tenantId, userId);
      // Sign-ins first: if a later step fails the user still exists, and deleting again finishes it.
      await this.revokeSignIns(tenantId, user.id);
      await this.#invitations.retireTickets(tenantId, user.id);
      await this.removeSecondFactors(tenantId, user.id);
      // A sign-in that changed the user meanwhile moved its indexes: delete from a fresh read.
      return (await this.#users.delete(tenantId, user)) ? undefined : CHANGED;
    }, () => new ConcurrentChangeError(`User '${userId}' of tenant '${tenantId}'`));
  }

  /**
   * Graph's resetRedemption, on the record: the recorded sign-in method is cleared and the guest
   * is pending again, so their next sign-in goes through home-realm discovery afresh. The caller
   * signs them out (revokeSignIns) and removes their second factors (removeSecondFactors) once the
   * rest of the reset has gone through.
   */
  async resetRedemption(tenantId: string, user: User): Promise<ResetRedemption> {
    // `user` is the record as the caller read it; when a sign-in (or anything) wrote the user
    // since, the reset is applied again to the fresh record: it means the same on either.
    let current: User | undefined = user;
    let replaced: User = user;
    const reset = await retryChanged(CONCURRENT_WRITE_ATTEMPTS, async () => {
      current ??= await this.get(tenantId, user.id);
      replaced = current;
      const written = await this.#users.update(tenantId, current, {
        ...current,
        externalUserState: 'PendingAcceptance',
        externalUserStateChangeDateTime: new Date().toISOString(),
        source: null,
        upstreamIdentity: null,
      });
      current = undefined;
      return written ?? CHANGED;
    }, () => new ConcurrentChangeError(`User '${user.id}' of tenant '${tenantId}'`));
    return { reset, replaced };
  }

  /**
   * Puts back the record a resetRedemption replaced, exactly (a later step of the reset failed);
   * false when the guest was changed again in between, and is left as that change made them.
   */
  undoResetRedemption(tenantId: string, { reset, replaced }: ResetRedemption): Promise<boolean> {
    return this.#users.restore(tenantId, reset, replaced);
  }
}

/** What an administrator may change of a user; what is missing stays as it is. */
export interface UserChanges {
  displayName?: string;
  /** Members only. */
  roles?: MemberRole[];
  accountEnabled?: boolean;
}

/** A reset as written, and the record it replaced (for undoing it). */
export interface ResetRedemption {
  reset: User;
  replaced: User;
}
