import { randomBytes } from 'node:crypto';

import Router from '@koa/router';

import { TOKEN_TTL } from '../limits.ts';
import { hashTicket, type InvitationRepository } from '../store/invitation-repository.ts';
import type { SignInRepository } from '../store/sign-in-repository.ts';
import { REDEMPTION_CLIENT_ID } from '../tenants/provider-configuration.ts';
import { issuerOf } from '../tenants/tenant.ts';
import type { TenantState } from '../tenants/tenant-routes.ts';
import type { Pages } from '../web/pages.ts';
import { renderSignInProblems, SignInProblem } from './sign-in-problem.ts';
import { problemRecorder, type SignInRecording } from './sign-in-recording.ts';

export interface RedemptionDependencies extends SignInRecording {
  pages: Pages;
  signIns: SignInRepository;
  invitations: InvitationRepository;
  baseUrl: string;
}

/**
 * Invitation links: `/{tenant}/v2.0/redeem?ticket=…` signs the invited address in (through
 * oidc-provider, with the tenant's redemption client and `prompt=login`), then
 * `/{tenant}/v2.0/redeem/complete` sends the guest on to the invitation's redirect URL. The
 * redemption itself (PendingAcceptance → Accepted) is recorded when the sign-in succeeds.
 */
export function redemptionRoutes({ pages, signIns, invitations, baseUrl, ...recording }: RedemptionDependencies): Router<TenantState> {
  const router = new Router<TenantState>({ prefix: '/:tenant/v2.0/redeem' });
  router.use(renderSignInProblems(pages, problemRecorder(recording)));

  router.get('/', async (ctx) => {
    const { tenant } = ctx.state;
    const ticket = typeof ctx.query.ticket === 'string' ? ctx.query.ticket : '';
    const ticketHash = hashTicket(ticket);
    const redemption = ticket ? await invitations.findTicket(tenant.id, ticketHash) : undefined;
    if (!redemption) throw SignInProblem.invitationUnusable();

    const state = randomBytes(24).toString('base64url');
    await signIns.saveRedemption(tenant.id, state, { ticketHash, inviteRedirectUrl: redemption.inviteRedirectUrl }, TOKEN_TTL.Interaction);
    const issuer = issuerOf(baseUrl, tenant.id);
    const authorization = new URL(`${issuer}/auth`);
    authorization.search = new URLSearchParams({
      client_id: REDEMPTION_CLIENT_ID,
      response_type: 'none',
      scope: 'openid',
      redirect_uri: `${issuer}/redeem/complete`,
      state,
      prompt: 'login',
      login_hint: redemption.invitedUserEmailAddress,
    }).toString();
    ctx.redirect(authorization.href);
  });

  router.get('/complete', async (ctx) => {
    const { tenant } = ctx.state;
    const state = typeof ctx.query.state === 'string' ? ctx.query.state : '';
    const redemption = state ? await signIns.takeRedemption(tenant.id, state) : undefined;
    if (!redemption) throw SignInProblem.expired();
    if (ctx.query.error) throw SignInProblem.invitationNotAccepted(ctx.query.error === 'access_denied');
    ctx.status = 303;
    ctx.redirect(redemption.inviteRedirectUrl);
  });

  return router;
}
