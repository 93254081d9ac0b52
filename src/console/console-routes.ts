import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Middleware } from 'koa';

import type { MemberRole } from '../guests/user.ts';
import { FORM_BODY_LIMIT } from '../limits.ts';
import type { TenantDirectory } from '../tenants/tenant-directory.ts';
import type { Pages } from '../web/pages.ts';
import { sendProblemPage } from '../web/problem-page.ts';
import { auditLogPage } from './audit-log-page.ts';
import { audited, companyBranding, identityProviderOf, invitedUser, policy, signingKeys, userOfPath } from './audited-change.ts';
import { confirmDeleteMethod, deleteMethod, methodOfPath } from './delete-authentication-method.ts';
import { callback } from './callback.ts';
import { brandingPage, deleteSquareLogo, saveBranding } from './company-branding.ts';
import { type ConsoleContext, type ConsoleDeps, type ConsoleHandler, type ConsoleState, requireRole } from './console-context.ts';
import { confirmDeleteGuest, deleteGuest } from './delete-guest.ts';
import { emailOtpPolicyPage, setEmailOtpPolicy } from './email-otp-policy.ts';
import { guestMfaPolicyPage, setGuestMfaPolicy } from './guest-mfa-policy.ts';
import { guestList } from './guest-list.ts';
import { guestPage } from './guest-page.ts';
import { home } from './home.ts';
import {
  confirmDeleteIdentityProvider, deleteIdentityProvider, identityProviderForm, identityProvidersPage, saveIdentityProvider,
} from './identity-providers.ts';
import { invite, inviteForm } from './invite.ts';
import { membersPage, setRoles } from './members.ts';
import { redemptionOrderPage, setRedemptionOrder } from './redemption-order.ts';
import { reinvite } from './resend-invitation.ts';
import { signIn } from './sign-in.ts';
import { signInLogPage } from './sign-in-log-page.ts';
import { signedOut, signOut } from './sign-out.ts';
import { rotateSigningKeys, signingKeysPage } from './signing-keys.ts';

/** `/{t}/console` and everything under it. */
const CONSOLE_PATH = /^\/([^/]+)\/console(\/.*)?$/;

const ANY: readonly MemberRole[] = ['admin', 'guestInviter'];
const ADMIN: readonly MemberRole[] = ['admin'];

/**
 * The tenant console, `${BASE_URL}/{t}/console/`: resolves the tenant (a verified domain in the
 * URL is sent on to the canonical id, so the console's cookie path is always the same), then its
 * pages. One file per page or action; requireRole is the door of each; every change is audited
 * (audited-change.ts) with the member who made it.
 */
export function consoleRoutes(deps: ConsoleDeps, directory: TenantDirectory, guestPages: Pages): Middleware {
  const router = new Router<ConsoleState>({ prefix: '/:tenant/console' });
  router.use(bodyParser({ enableTypes: ['form'], formLimit: FORM_BODY_LIMIT }));
  const page = (roles: readonly MemberRole[], handler: ConsoleHandler) => requireRole(deps, roles, handler);
  const open = (handler: (deps: ConsoleDeps, ctx: ConsoleContext) => Promise<void>) => (ctx: ConsoleContext) => handler(deps, ctx);

  // Signing in and out (no role needed: deciding that is what the pages do).
  router.get('/sign-in', open(signIn));
  router.get('/callback', open(callback));
  router.post('/sign-out', open(signOut));
  router.get('/signed-out', open(signedOut));

  // Guests: admin and guestInviter.
  router.get('/', page(ANY, home));
  router.get('/guests', page(ANY, guestList));
  router.get('/guests/:id', page(ANY, (d, ctx) => guestPage(d, ctx)));
  router.post('/guests/:id/resend', page(ANY, audited('Reinvite external user', userOfPath, reinvite(false))));
  router.post('/guests/:id/reset', page(ANY, audited('Reset redemption', userOfPath, reinvite(true))));
  router.get('/guests/:id/delete', page(ANY, confirmDeleteGuest));
  router.post('/guests/:id/delete', page(ANY, audited('Delete user', userOfPath, deleteGuest)));
  // A guest's second factors: admin only, as Entra leaves authentication methods to its authentication administrators.
  router.get('/guests/:id/authentication-methods/:methodId/delete', page(ADMIN, confirmDeleteMethod));
  router.post('/guests/:id/authentication-methods/:methodId/delete', page(ADMIN, audited('Admin deleted security info', methodOfPath, deleteMethod)));
  router.get('/invite', page(ANY, inviteForm));
  router.post('/invite', page(ANY, audited('Invite external user', invitedUser, invite)));

  // The tenant's settings: admin only.
  router.get('/policies/email-otp', page(ADMIN, emailOtpPolicyPage));
  router.post('/policies/email-otp', page(ADMIN, audited('Update policy', policy('emailOtp', 'Email one-time passcode'), setEmailOtpPolicy)));
  router.get('/policies/mfa', page(ADMIN, (d, ctx) => guestMfaPolicyPage(d, ctx)));
  router.post('/policies/mfa', page(ADMIN, audited('Update policy', policy('guestMfa', 'Guest multifactor authentication'), setGuestMfaPolicy)));
  router.get('/policies/redemption', page(ADMIN, (d, ctx) => redemptionOrderPage(d, ctx)));
  router.post('/policies/redemption', page(ADMIN, audited('Update policy', policy('invitationRedemption', 'Invitation redemption order'), setRedemptionOrder)));
  router.get('/identity-providers', page(ADMIN, identityProvidersPage));
  router.get('/identity-providers/new', page(ADMIN, identityProviderForm));
  router.post('/identity-providers/new', page(ADMIN, audited('Add identity provider', identityProviderOf, saveIdentityProvider)));
  router.get('/identity-providers/:id', page(ADMIN, identityProviderForm));
  router.post('/identity-providers/:id', page(ADMIN, audited('Update identity provider', identityProviderOf, saveIdentityProvider)));
  router.get('/identity-providers/:id/delete', page(ADMIN, confirmDeleteIdentityProvider));
  router.post('/identity-providers/:id/delete', page(ADMIN, audited('Delete identity provider', identityProviderOf, deleteIdentityProvider)));
  // Company branding: the activities and targets the admin API records for the same changes.
  router.get('/branding', page(ADMIN, brandingPage));
  router.post('/branding', page(ADMIN, audited('Update company branding', companyBranding('Company branding'), saveBranding)));
  router.post('/branding/square-logo/delete', page(ADMIN, audited('Delete company branding logo', companyBranding('Square logo'), deleteSquareLogo)));
  router.get('/signing-keys', page(ADMIN, signingKeysPage));
  router.post('/signing-keys/rotate', page(ADMIN, audited('Rotate signing keys', signingKeys, rotateSigningKeys)));
  router.get('/members', page(ADMIN, (d, ctx) => membersPage(d, ctx)));
  router.post('/members/:id/roles', page(ADMIN, audited('Update user roles', userOfPath, setRoles)));

  router.get('/sign-ins', page(ADMIN, signInLogPage));
  router.get('/audit-logs', page(ADMIN, auditLogPage));

  const routes = router.routes() as Middleware;

  return async (ctx, next) => {
    const match = CONSOLE_PATH.exec(ctx.path);
    if (!match) return next();
    let name: string;
    try {
      name = decodeURIComponent(match[1] as string);
    } catch {
      return next();
    }
    const tenant = await directory.resolve(name);
    if (!tenant) return sendProblemPage(guestPages, ctx, 'unknownTenant', 404, { values: { tenantName: name }, reference: 'invalid_tenant' });
    const rest = match[2] ?? '/';
    if (name !== tenant.id || match[2] === undefined) {
      // One spelling of the console's address: the canonical tenant id, with the trailing slash.
      ctx.status = 301;
      return ctx.redirect(`/${encodeURIComponent(tenant.id)}/console${rest}${ctx.querystring ? `?${ctx.querystring}` : ''}`);
    }
    ctx.state.tenant = tenant;
    await routes(ctx, async () => {
      deps.pages.sendMessage(ctx, 'notFound', 404);
    });
  };
}
