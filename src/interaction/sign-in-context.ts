import { randomBytes } from 'node:crypto';

import type { RouterContext } from '@koa/router';
import type { InteractionResults, Provider } from 'oidc-provider';

import type { UpstreamClients } from '../federation/upstream-clients.ts';
import type { UpstreamConnector, UpstreamLeg } from '../federation/upstream-connector.ts';
import { type DeploymentEmailOtpDefault, isEmailOtpEnabled } from '../guests/email-otp-policy.ts';
import type { Redemptions } from '../guests/redemption.ts';
import { isEmailAddress, normalizeEmail } from '../guests/user.ts';
import { settleGuestLocale } from '../i18n/guest-locale.ts';
import { TOKEN_TTL } from '../limits.ts';
import type { InvitationRepository } from '../store/invitation-repository.ts';
import type { SignInRepository, SignInState } from '../store/sign-in-repository.ts';
import type { UserRepository } from '../store/user-repository.ts';
import { REDEMPTION_CLIENT_ID } from '../tenants/provider-configuration.ts';
import { domainOf, type Tenant } from '../tenants/tenant.ts';
import type { TenantState } from '../tenants/tenant-routes.ts';
import { sameSecret } from '../web/constant-time.ts';
import type { Pages } from '../web/pages.ts';
import type { SignInLog } from '../activity/sign-in-log.ts';
import type { MfaServices } from '../mfa/mfa-services.ts';
import type { EmailOtp } from './email-otp.ts';
import { type DiscoveryStep, discoverSignInMethod } from './home-realm-discovery.ts';
import { SignInProblem } from './sign-in-problem.ts';

/**
 * What every step of the sign-in works with: its dependencies (`SignInDeps`), the attempt it
 * moves on (`Attempt`, loaded and saved here), and the small helpers each step shares.
 */

export interface SignInDeps {
  pages: Pages;
  emailOtpDefault: DeploymentEmailOtpDefault;
  signIns: SignInRepository;
  users: UserRepository;
  invitations: InvitationRepository;
  emailOtp: EmailOtp;
  redemptions: Redemptions;
  /** Home-realm discovery's steps for a tenant, in its redemption order. */
  discoveryChain: (tenant: Tenant) => readonly DiscoveryStep[];
  upstreamClients: UpstreamClients;
  connector: UpstreamConnector;
  baseUrl: string;
  otpTtlSeconds: number;
  /** Where every attempt's end is recorded (sign-in-recording.ts). */
  signInLog: SignInLog;
  /** Second factors (src/mfa). */
  mfa: MfaServices;
}

/** One sign-in attempt as our pages see it. */
export interface Attempt {
  uid: string;
  provider: Provider;
  tenant: Tenant;
  /** Shown as "to continue to …". */
  clientName: string;
  isRedemption: boolean;
  state: SignInState;
  /** The state was just started and is not stored yet. */
  isNew: boolean;
  /** The id of this sign-in's code mail that finally failed, if one did (sign-in-notice.ts). */
  undeliveredMailId: string | undefined;
  /** oidc-provider's record of the interaction, read once per request and finished in place. */
  interaction: Details;
}

export type SignInContext = RouterContext<TenantState>;

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

/** The attempt's page, or one of its actions (`/send`). */
/** The code mail this sign-in is waiting for finally failed: the queue gave up on it. */
export function lastMailUndelivered(attempt: Attempt): boolean {
  return attempt.state.passcodeMailId !== undefined && attempt.undeliveredMailId === attempt.state.passcodeMailId;
}

export function pageUrl(attempt: Attempt, action = ''): string {
  return `/${attempt.tenant.id}/v2.0/interaction/${attempt.uid}${action}`;
}

/**
 * The attempt this request is about: oidc-provider's record of it (a missing or foreign one, or
 * one past the login prompt, means it expired) and ours, started on first sight.
 */
export async function loadAttempt(deps: SignInDeps, ctx: SignInContext): Promise<Attempt> {
  const { tenant, tenantProvider: { provider } } = ctx.state;
  // Both records are read at once (one round trip): ours by the URL's uid, which must then be the
  // interaction's own, or nothing read is used.
  const [details, ours] = await Promise.all([
    provider.interactionDetails(ctx.req, ctx.res).catch(() => undefined),
    deps.signIns.stateWithDelivery(tenant.id, ctx.params.uid ?? ''),
  ]);
  if (!details || details.uid !== ctx.params.uid || details.prompt.name !== 'login') throw SignInProblem.expired();
  const clientId = String(details.params.client_id);
  const client = await provider.Client.find(clientId);
  const isRedemption = clientId === REDEMPTION_CLIENT_ID;
  const stored = ours.state;
  // The language is settled before anything can fail, so even a problem page of this sign-in is in it.
  const locale = settleGuestLocale(ctx, stored?.locale, details.params.ui_locales);
  const state = stored ?? await startState(deps, tenant, details.params, isRedemption);
  state.locale = locale;
  const attempt: Attempt = {
    uid: details.uid,
    provider,
    tenant,
    clientName: client?.clientName ?? clientId,
    isRedemption,
    state,
    isNew: !stored,
    undeliveredMailId: ours.undeliveredMailId,
    interaction: details,
  };
  // For the sign-in log, when a step fails with a problem page (interaction-routes.ts).
  (ctx.state as { signInAttempt?: Attempt }).signInAttempt = attempt;
  return attempt;
}

/** The attempt this request loaded, if it got that far. */
export function attemptOf(ctx: { state: unknown }): Attempt | undefined {
  return (ctx.state as { signInAttempt?: Attempt }).signInAttempt;
}

/** The first look at an attempt: a CSRF token, and the address when the request already names it. */
async function startState(deps: SignInDeps, tenant: Tenant, params: Record<string, unknown>, isRedemption: boolean): Promise<SignInState> {
  const state: SignInState = { csrfToken: randomBytes(24).toString('base64url') };
  if (isRedemption) {
    const redemption = await deps.signIns.redemption(tenant.id, String(params.state));
    const ticket = redemption && await deps.invitations.findTicket(tenant.id, redemption.ticketHash);
    if (!ticket) throw SignInProblem.invitationUnusable();
    Object.assign(state, { email: ticket.invitedUserEmailAddress, emailLocked: true });
  } else if (typeof params.login_hint === 'string' && isEmailAddress(normalizeEmail(params.login_hint))) {
    state.email = normalizeEmail(params.login_hint);
  }
  if (state.email) state.method = (await discover(deps, tenant, state.email)).method;
  return state;
}

/** Home-realm discovery for an address, with the tenant's user of that address. */
export async function discover(deps: SignInDeps, tenant: Tenant, email: string) {
  const user = await deps.users.findByMail(tenant.id, email);
  const emailOtpEnabled = isEmailOtpEnabled(tenant.emailOtpPolicy, deps.emailOtpDefault);
  const context = { tenant, email, domain: domainOf(email) ?? '', user, emailOtpEnabled };
  return { user, method: await discoverSignInMethod(deps.discoveryChain(tenant), context) };
}

export async function saveAttempt(deps: SignInDeps, attempt: Attempt): Promise<void> {
  await deps.signIns.saveState(attempt.tenant.id, attempt.uid, attempt.state, TOKEN_TTL.Interaction);
}

/** A POSTed form must carry the attempt's CSRF token. */
export function checkCsrf(ctx: SignInContext, attempt: Attempt): void {
  if (!sameSecret(formValue(ctx, '_csrf'), attempt.state.csrfToken)) throw SignInProblem.forgedForm();
}

export function formValue(ctx: SignInContext, name: string): string {
  const value = (ctx.request as { body?: Record<string, unknown> }).body?.[name];
  return typeof value === 'string' ? value : '';
}

/** After an action: back to the attempt's page (303), which shows where it now stands. */
export function seeStep(ctx: SignInContext, attempt: Attempt): void {
  redirect(ctx, pageUrl(attempt));
}

export function redirect(ctx: SignInContext, location: string): void {
  ctx.status = 303;
  ctx.redirect(location);
}

/**
 * Ends the interaction with oidc-provider: the guest signed in as `login.accountId`, or an error.
 * What `provider.interactionResult` does, on the record this request already read: it would read
 * it again.
 */
export async function finishInteraction(ctx: SignInContext, attempt: Attempt, result: InteractionResults): Promise<void> {
  const { interaction } = attempt;
  interaction.result = result;
  await interaction.save(interaction.exp - Math.floor(Date.now() / 1000));
  redirect(ctx, interaction.returnTo);
}

/** Names the tenant and the request (set by ops/request-log.ts) in the log line of a failed upstream leg. */
export function upstreamLeg(ctx: SignInContext): UpstreamLeg {
  return { tenant: ctx.state.tenant.id, requestId: (ctx.state as { requestId?: string }).requestId };
}
