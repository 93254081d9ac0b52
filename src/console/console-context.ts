import type { RouterContext } from '@koa/router';
import type { ClientRepository } from '../store/client-repository.ts';
import type { Logger } from 'pino';

import type { AuditLog } from '../activity/audit-log.ts';
import type { SignInLog } from '../activity/sign-in-log.ts';
import type { Config } from '../config.ts';
import type { UpstreamConnector } from '../federation/upstream-connector.ts';
import type { Guests } from '../guests/guests.ts';
import type { Invitations } from '../guests/invitations.ts';
import { isAccountEnabled, type MemberRole, type User } from '../guests/user.ts';
import type { AuthenticationMethodRepository } from '../store/authentication-method-repository.ts';
import type { BrandingRepository } from '../store/branding-repository.ts';
import type { IdentityProviderRepository } from '../store/identity-provider-repository.ts';
import type { UserRepository } from '../store/user-repository.ts';
import type { SkipTokens } from '../admin/skip-token.ts';
import type { Tenant } from '../tenants/tenant.ts';
import type { TenantService } from '../tenants/tenant-service.ts';
import { sameSecret } from '../web/constant-time.ts';
import { consolePath } from './console-client.ts';
import type { ConsolePages } from './console-pages.ts';
import type { ConsoleRelyingParty } from './console-relying-party.ts';
import type { ConsoleSession, ConsoleSessions } from './console-sessions.ts';
import { mayOpen } from './navigation.ts';

/** What the console's pages work with: the same domain services the admin API uses. */
export interface ConsoleDeps {
  config: Config;
  log: Logger;
  pages: ConsolePages;
  sessions: ConsoleSessions;
  relyingParty: ConsoleRelyingParty;
  tenants: TenantService;
  guests: Guests;
  users: UserRepository;
  /** The tenant's apps, for the guest MFA policy's choice of apps. */
  clients: ClientRepository;
  invitations: Invitations;
  identityProviders: IdentityProviderRepository;
  connector: UpstreamConnector;
  skipTokens: SkipTokens;
  /** The tenant's company branding (branding page), the same repository the admin API writes. */
  branding: BrandingRepository;
  /** Where every change made here is recorded, with the member who made it (audited-change.ts). */
  auditLog: AuditLog;
  /** The tenant's sign-in log, read by the sign-in log page (sign-in-log-page.ts). */
  signInLog: SignInLog;
  /** Guests' second factors, listed and deleted on a guest's page (authentication-methods.ts), as the admin API does. */
  authenticationMethods: AuthenticationMethodRepository;
}

export interface ConsoleState {
  tenant: Tenant;
  /** Set once the request is known to come from a signed-in console user (requireRole). */
  session?: ConsoleSession;
  user?: User;
  requestId?: string;
}

export type ConsoleContext = RouterContext<ConsoleState>;
export type SignedInContext = ConsoleContext & { state: ConsoleState & { session: ConsoleSession; user: User } };
export type ConsoleHandler = (deps: ConsoleDeps, ctx: SignedInContext) => Promise<void>;

/**
 * The door of every console page: a console session (else to sign-in), a user who still exists,
 * is a member, is not blocked and holds one of `roles` (else a 403 page), and on a POST the
 * session's CSRF token (else a 403). Read afresh on every request, so a role taken away or a
 * blocked account counts at once.
 */
export function requireRole(deps: ConsoleDeps, roles: readonly MemberRole[], handler: ConsoleHandler) {
  return async (ctx: ConsoleContext): Promise<void> => {
    const { tenant } = ctx.state;
    const session = await deps.sessions.find(ctx, tenant.id);
    if (!session) {
      if (ctx.method === 'GET') return seeOther(ctx, `${consolePath(tenant.id)}sign-in`);
      return deps.pages.sendMessage(ctx, 'forbidden', 403, { reason: 'noSession' });
    }
    const user = await deps.users.find(tenant.id, session.userId);
    ctx.state.session = session;
    if (user) ctx.state.user = user;
    if (ctx.method === 'POST' && !sameSecret(formValue(ctx, '_csrf'), session.csrfToken)) {
      return deps.pages.sendMessage(ctx, 'forbidden', 403, { reason: 'forgedForm' });
    }
    if (!user || !mayOpen(user, roles)) return deps.pages.sendMessage(ctx, 'forbidden', 403, { reason: forbiddenReason(user) });
    await handler(deps, ctx as SignedInContext);
  };
}

/** Why a signed-in user may not see a page: the 403's sentence. */
function forbiddenReason(user: User | undefined): string {
  if (!user) return 'noUser';
  if (user.userType !== 'Member') return 'guest';
  if (!isAccountEnabled(user)) return 'blocked';
  return 'role';
}

export function formValue(ctx: ConsoleContext, name: string): string {
  const value = (ctx.request as { body?: Record<string, unknown> }).body?.[name];
  return typeof value === 'string' ? value : '';
}

/** Every value a form sent under `name` (checkboxes). */
export function formValues(ctx: ConsoleContext, name: string): string[] {
  const value = (ctx.request as { body?: Record<string, unknown> }).body?.[name];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return typeof value === 'string' ? [value] : [];
}

export function queryValue(ctx: ConsoleContext, name: string): string {
  const value = ctx.query[name];
  return typeof value === 'string' ? value : '';
}

/** After an action: 303 to a page of the console (a path under it, with its query). */
export function seeOther(ctx: ConsoleContext, location: string): void {
  ctx.status = 303;
  ctx.redirect(location);
}

export function consoleUrl(ctx: ConsoleContext, path: string): string {
  return `${consolePath(ctx.state.tenant.id).slice(0, -1)}${path}`;
}
