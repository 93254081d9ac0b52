import { BadRequestError, ConcurrentChangeError, NotFoundError } from '../errors.ts';
import { CONCURRENT_WRITE_ATTEMPTS } from '../limits.ts';
import { CHANGED, retryChanged } from '../store/record-version.ts';
import type { UserRepository } from '../store/user-repository.ts';
import { MEMBER_ROLES, type MemberRole, type User } from './user.ts';

/**
 * Sets a member's directory roles (Entra's: `admin`, `guestInviter`), replacing what they held:
 * the one place roles are written, for the console's members page and the admin API's
 * `PATCH /users/{id}` alike. Compare-and-set on the user's record (a sign-in writing the user at
 * the same moment is re-read and kept). Guests hold no roles: a BadRequestError.
 */
export async function setMemberRoles(users: UserRepository, tenantId: string, userId: string, roles: readonly MemberRole[]): Promise<User> {
  // Stored in MEMBER_ROLES's order, each once, whatever order they came in.
  const wanted = MEMBER_ROLES.filter((role) => roles.includes(role));
  return retryChanged(CONCURRENT_WRITE_ATTEMPTS, async () => {
    const user = await users.find(tenantId, userId);
    if (!user) throw new NotFoundError(`User '${userId}' does not exist in tenant '${tenantId}'.`);
    if (user.userType !== 'Member') throw new BadRequestError(`${user.mail} is a guest; only members hold roles.`);
    return (await users.update(tenantId, user, { ...user, roles: wanted })) ?? CHANGED;
  }, () => new ConcurrentChangeError(`User '${userId}' of tenant '${tenantId}'`));
}
