import type { FindAccount } from 'oidc-provider';

import type { UserRepository } from '../store/user-repository.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { EMAIL_OTP_IDP, isAccountEnabled } from './user.ts';

/**
 * oidc-provider's account lookup for one tenant: the account id is the user's id (the `sub`,
 * stable per tenant and user). A deleted or blocked user has no account, so their tokens stop
 * working even if one was issued while the block was being written (blocking also revokes them).
 */
export function findAccountIn(tenant: Tenant, users: UserRepository): FindAccount {
  return async (_ctx, sub) => {
    const user = await users.find(tenant.id, sub);
    if (!user || !isAccountEnabled(user)) return undefined;
    return {
      accountId: user.id,
      async claims() {
        return {
          sub: user.id,
          email: user.mail,
          email_verified: true,
          ...(user.displayName ? { name: user.displayName } : {}),
          tid: tenant.id,
          // `mail` for email codes; otherwise the upstream issuer the user is linked to.
          idp: user.source !== 'EmailOTP' && user.upstreamIdentity ? user.upstreamIdentity.issuer : EMAIL_OTP_IDP,
        };
      },
    };
  };
}
