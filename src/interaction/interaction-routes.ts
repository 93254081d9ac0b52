import { randomBytes } from 'node:crypto';

import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Provider } from 'oidc-provider';

import type { UpstreamClients } from '../federation/upstream-clients.ts';
import { federationCallbackUrl } from '../federation/upstream.ts';
import type { UpstreamConnector, UpstreamLeg } from '../federation/upstream-connector.ts';
import { type DeploymentEmailOtpDefault, isEmailOtpEnabled } from '../guests/email-otp-policy.ts';
import type { Redemptions } from '../guests/redemption.ts';
import { isEmailAddress, normalizeEmail } from '../guests/user.ts';
import { FEDERATION_STATE_TTL_SECONDS, FORM_BODY_LIMIT, PASSCODE_DIGITS, TOKEN_TTL } from '../limits.ts';
import type { InvitationRepository } from '../store/invitation-repository.ts';
import type { SignInRepository, SignInState } from '../store/sign-in-repository.ts';
import type { UserRepository } from '../store/user-repository.ts';
import { REDEMPTION_CLIENT_ID } from '../tenants/provider-configuration.ts';
import { domainOf, issuerOf, type Tenant } from '../tenants/tenant.ts';
import type { TenantState } from '../tenants/tenant-routes.ts';
import { sameSecret } from '../web/constant-time.ts';
import type { Pages } from '../web/pages.ts';
import type { EmailOtp } from './email-otp.ts';
import { type DiscoveryStep, discoverSignInMethod } from './home-realm-discovery.ts';
import {
  describeSendOutcome, describeVerifyOutcome, invitationUnusable, refusedProblem, UNDELIVERED_CODE_TEXT, upstreamProblem,
} from './sign-in-messages.ts';
import { renderSignInProblems, SignInProblem } from './sign-in-problem.ts';

export interface InteractionDependencies {
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
}

/** One sign-in attempt as our pages see it. */
interface Attempt {
  uid: string;
  provider: Provider;
  tenant: Tenant;
  /** Shown as "to continue to …". */
  clientName: string;
  isRedemption: boolean;
  state: SignInState;
  /** The state was just started and is not stored yet. */
  isNew: boolean;
}

type RouterContext = Context & { state: TenantState; params: Record<string, string> };

/**
 * The guest's side of a sign-in, under `/{tenant}/v2.0/interaction/{uid}`: the address, home-realm
 * discovery, then the email one-time passcode. Every step is a GET that renders where the
 * attempt stands and a POST (with a CSRF token) that moves it on, then redirects back (303).
 */
export function interactionRoutes(deps: InteractionDependencies): Router<TenantState> {
  const { pages, signIns, users, invitations, emailOtp, redemptions, discoveryChain, upstreamClients, connector, baseUrl, otpTtlSeconds, emailOtpDefault } = deps;
  const router = new Router<TenantState>({ prefix: '/:tenant/v2.0/interaction/:uid' });
  router.use(renderSignInProblems(pages));
  router.use(bodyParser({ enableTypes: ['form'], formLimit: FORM_BODY_LIMIT }));

  const pageUrl = (attempt: Attempt, action = '') => `/${attempt.tenant.id}/v2.0/interaction/${attempt.uid}${action}`;

  type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

  /** oidc-provider's record of this attempt; a missing or foreign one means the attempt expired. */
  async function readInteraction(ctx: RouterContext): Promise<Details> {
    const { provider } = ctx.state.tenantProvider;
    let details: Details;
    try {
      details = await provider.interactionDetails(ctx.req, ctx.res);
    } catch {
      throw SignInProblem.expired();
    }
    if (details.uid !== ctx.params.uid) throw SignInProblem.expired();
    return details;
  }

  async function load(ctx: RouterContext, known?: Details): Promise<Attempt> {
    const { tenant, tenantProvider: { provider } } = ctx.state;
    const details = known ?? await readInteraction(ctx);
    if (details.prompt.name !== 'login') throw SignInProblem.expired();
    const clientId = String(details.params.client_id);
    const client = await provider.Client.find(clientId);
    const isRedemption = clientId === REDEMPTION_CLIENT_ID;
    const stored = await signIns.state(tenant.id, details.uid);
    return {
      uid: details.uid,
      provider,
      tenant,
      clientName: client?.clientName ?? clientId,
      isRedemption,
      state: stored ?? await startState(tenant, details.params, isRedemption),
      isNew: !stored,
    };
  }

  /** The first look at an attempt: a CSRF token, and the address when the request already names it. */
  async function startState(tenant: Tenant, params: Record<string, unknown>, isRedemption: boolean): Promise<SignInState> {
    const state: SignInState = { csrfToken: randomBytes(24).toString('base64url') };
    if (isRedemption) {
      const redemption = await signIns.redemption(tenant.id, String(params.state));
      const ticket = redemption && await invitations.findTicket(tenant.id, redemption.ticketHash);
      if (!ticket) throw invitationUnusable();
      Object.assign(state, { email: ticket.invitedUserEmailAddress, emailLocked: true });
    } else if (typeof params.login_hint === 'string' && isEmailAddress(normalizeEmail(params.login_hint))) {
      state.email = normalizeEmail(params.login_hint);
    }
    if (state.email) state.method = (await discover(tenant, state.email)).method;
    return state;
  }

  /** Home-realm discovery for an address, with the tenant's user of that address. */
  async function discover(tenant: Tenant, email: string) {
    const user = await users.findByMail(tenant.id, email);
    const emailOtpEnabled = isEmailOtpEnabled(tenant.emailOtpPolicy, emailOtpDefault);
    const context = { tenant, email, domain: domainOf(email) ?? '', user, emailOtpEnabled };
    return { user, method: await discoverSignInMethod(discoveryChain(tenant), context) };
  }

  async function save(attempt: Attempt): Promise<void> {
    await signIns.saveState(attempt.tenant.id, attempt.uid, attempt.state, TOKEN_TTL.Interaction);
  }

  function checkCsrf(ctx: RouterContext, attempt: Attempt): void {
    const sent = String((ctx.request as { body?: Record<string, unknown> }).body?._csrf ?? '');
    if (!sameSecret(sent, attempt.state.csrfToken)) throw SignInProblem.forgedForm();
  }

  function formValue(ctx: RouterContext, name: string): string {
    const value = (ctx.request as { body?: Record<string, unknown> }).body?.[name];
    return typeof value === 'string' ? value : '';
  }

  function seeStep(ctx: RouterContext, attempt: Attempt): void {
    ctx.status = 303;
    ctx.redirect(pageUrl(attempt));
  }

  /** Renders whatever step the attempt is at, with an optional message from the last action. */
  async function render(ctx: RouterContext, attempt: Attempt, message?: { kind: 'error' | 'notice'; text: string }, status = 200): Promise<void> {
    const { state, tenant } = attempt;
    const common = {
      tenantName: tenant.displayName,
      clientName: attempt.clientName,
      isRedemption: attempt.isRedemption,
      csrfToken: state.csrfToken,
      email: state.email,
      emailLocked: state.emailLocked ?? false,
      message,
      actions: {
        identify: pageUrl(attempt, '/identify'),
        send: pageUrl(attempt, '/send'),
        verify: pageUrl(attempt, '/verify'),
        changeAddress: pageUrl(attempt, '/change-address'),
        cancel: pageUrl(attempt, '/cancel'),
      },
    };
    if (!state.email) {
      pages.send(ctx, 'sign-in', { ...common, title: `Sign in to ${tenant.displayName}` }, status);
      return;
    }
    if (state.method?.kind !== 'EmailOTP') {
      const reason = state.method?.kind === 'unavailable' ? state.method.reason : 'noMethod';
      pages.send(ctx, 'no-method', { ...common, reason, title: 'We can’t sign you in with this address' }, status === 200 ? 403 : status);
      return;
    }
    if (!state.passcodeSentAt) {
      pages.send(ctx, 'send-code', { ...common, title: 'Get a code to sign in' }, status);
      return;
    }
    // The mail queue gave up on this code's mail: say so, and offer a new code instead of a form for one that never came.
    const undelivered = state.passcodeMailId !== undefined && await signIns.undeliveredCode(tenant.id, attempt.uid) === state.passcodeMailId;
    pages.send(ctx, 'enter-code', {
      ...common,
      ...(undelivered && !message ? { message: { kind: 'error', text: UNDELIVERED_CODE_TEXT } } : {}),
      undelivered,
      title: 'Enter code',
      digits: PASSCODE_DIGITS,
      validFor: Math.round(otpTtlSeconds / 60),
    }, status);
  }

  router.get('/', async (ctx) => {
    const attempt = await load(ctx as RouterContext);
    if (attempt.isNew) await save(attempt);
    // Discovery chose an upstream provider: on to it, no page of ours in between.
    if (attempt.state.method?.kind === 'federation') {
      ctx.status = 303;
      ctx.redirect(pageUrl(attempt, '/federate'));
      return;
    }
    await render(ctx as RouterContext, attempt);
  });

  /** Sends the guest to the upstream provider discovery chose, with state, nonce and PKCE. */
  router.get('/federate', async (ctx) => {
    const attempt = await load(ctx as RouterContext);
    const { state, tenant } = attempt;
    if (!state.email) return seeStep(ctx as RouterContext, attempt);
    // Discovery ran when the address was given (its consumer-account lookup is an HTTP call); only
    // an attempt without that answer runs it here.
    const method = state.method?.kind === 'federation' ? state.method : (await discover(tenant, state.email)).method;
    if (method.kind !== 'federation') {
      attempt.state = { ...state, method };
      await save(attempt);
      return seeStep(ctx as RouterContext, attempt);
    }
    const federationState = randomBytes(24).toString('base64url');
    const nonce = randomBytes(24).toString('base64url');
    const codeVerifier = randomBytes(32).toString('base64url');
    let location: string;
    try {
      const client = await upstreamClients.clientFor(tenant, method.upstream);
      await signIns.saveFederation(tenant.id, federationState, {
        uid: attempt.uid, upstream: method.upstream, email: state.email, nonce, codeVerifier,
      }, FEDERATION_STATE_TTL_SECONDS);
      location = await connector.authorizationUrl(client, {
        redirectUri: federationCallbackUrl(issuerOf(baseUrl, tenant.id)),
        state: federationState, nonce, codeVerifier, loginHint: state.email,
      }, upstreamLeg(ctx as RouterContext));
    } catch (error) {
      throw upstreamProblem(error, method.upstream, pageUrl(attempt, '/federate'));
    }
    if (state.method?.kind !== 'federation') {
      attempt.state = { ...state, method };
      await save(attempt);
    }
    ctx.status = 303;
    ctx.redirect(location);
  });

  /**
   * Back from upstream (through /federation/callback, which has no interaction cookie): redeem
   * the code, verify the ID token, link or check the guest, and finish the sign-in.
   */
  router.get('/federated', async (ctx) => {
    const attempt = await load(ctx as RouterContext);
    const { tenant } = attempt;
    const federationState = typeof ctx.query.state === 'string' ? ctx.query.state : '';
    const federation = federationState ? await signIns.takeFederation(tenant.id, federationState) : undefined;
    const retryUrl = pageUrl(attempt, '/federate');
    if (!federation || federation.uid !== attempt.uid) {
      throw new SignInProblem(400, 'This sign-in took too long', 'The answer from your identity provider came too late, or was used already.', 'Try again: you may not have to sign in there a second time.', retryUrl);
    }
    const { upstream } = federation;
    let signedIn;
    try {
      const client = await upstreamClients.clientFor(tenant, upstream);
      const callbackUrl = new URL(federationCallbackUrl(issuerOf(baseUrl, tenant.id)));
      callbackUrl.search = ctx.querystring;
      signedIn = await connector.exchange(client, callbackUrl, { state: federationState, nonce: federation.nonce, codeVerifier: federation.codeVerifier }, upstreamLeg(ctx as RouterContext));
    } catch (error) {
      throw upstreamProblem(error, upstream, retryUrl);
    }
    const user = await users.findByMail(tenant.id, federation.email);
    const outcome = await redemptions.recordFederatedSignIn(tenant.id, user, upstream.source, signedIn, upstream.identityProviderId);
    if (outcome.kind === 'refused') throw refusedProblem(outcome.reason, upstream, federation.email, tenant, signedIn.email, retryUrl);

    const returnTo = await attempt.provider.interactionResult(ctx.req, ctx.res, {
      login: { accountId: outcome.user.id, remember: true, ...(signedIn.amr ? { amr: signedIn.amr } : {}) },
    }, { mergeWithLastSubmission: false });
    ctx.status = 303;
    ctx.redirect(returnTo);
  });

  router.post('/identify', async (ctx) => {
    const attempt = await load(ctx as RouterContext);
    checkCsrf(ctx as RouterContext, attempt);
    if (attempt.state.emailLocked) return seeStep(ctx as RouterContext, attempt);
    const email = normalizeEmail(formValue(ctx as RouterContext, 'email'));
    if (!isEmailAddress(email)) {
      await render(ctx as RouterContext, attempt, { kind: 'error', text: 'Enter an email address like name@example.com.' }, 400);
      return;
    }
    attempt.state = { csrfToken: attempt.state.csrfToken, email, method: (await discover(attempt.tenant, email)).method };
    await save(attempt);
    seeStep(ctx as RouterContext, attempt);
  });

  router.post('/change-address', async (ctx) => {
    const attempt = await load(ctx as RouterContext);
    checkCsrf(ctx as RouterContext, attempt);
    if (!attempt.state.emailLocked) {
      attempt.state = { csrfToken: attempt.state.csrfToken };
      await signIns.discardPasscode(attempt.tenant.id, attempt.uid);
      await save(attempt);
    }
    seeStep(ctx as RouterContext, attempt);
  });

  router.post('/send', async (ctx) => {
    const attempt = await load(ctx as RouterContext);
    checkCsrf(ctx as RouterContext, attempt);
    const { state, tenant } = attempt;
    if (!state.email) return seeStep(ctx as RouterContext, attempt);
    // Discovery again: the tenant's policy or the guest may have changed since the address was given.
    const { user, method } = await discover(tenant, state.email);
    if (method.kind !== 'EmailOTP') {
      attempt.state = { ...state, method };
      await save(attempt);
      return seeStep(ctx as RouterContext, attempt);
    }

    const outcome = await emailOtp.send(tenant, attempt.uid, { ...state, email: state.email }, user, ctx.ip);
    if (outcome.kind === 'sent') {
      attempt.state = { ...state, method, passcodeSentAt: Math.floor(Date.now() / 1000), passcodeMailId: outcome.mailId, passcodeUsed: false, passcodeDead: false };
      await save(attempt);
      return seeStep(ctx as RouterContext, attempt);
    }
    const { text, status } = describeSendOutcome(outcome);
    await render(ctx as RouterContext, attempt, { kind: 'error', text }, status);
  });

  router.post('/verify', async (ctx) => {
    const attempt = await load(ctx as RouterContext);
    checkCsrf(ctx as RouterContext, attempt);
    const { state, tenant } = attempt;
    if (!state.email || !state.passcodeSentAt) return seeStep(ctx as RouterContext, attempt);

    if (!isEmailOtpEnabled(tenant.emailOtpPolicy, emailOtpDefault)) {
      // Turned off since the code was sent: the code no longer signs anyone in.
      attempt.state = { ...state, method: (await discover(tenant, state.email)).method };
      await save(attempt);
      return seeStep(ctx as RouterContext, attempt);
    }
    const code = formValue(ctx as RouterContext, 'code').replace(/\s+/g, '');
    const outcome = await emailOtp.verify(tenant, attempt.uid, { ...state, email: state.email }, code);
    if (outcome.kind === 'verified') {
      attempt.state = { ...state, passcodeUsed: true };
      await save(attempt);
      const found = await users.find(tenant.id, outcome.userId);
      if (!found) throw SignInProblem.expired();
      const user = await redemptions.recordSignIn(tenant.id, found, 'EmailOTP');
      const returnTo = await attempt.provider.interactionResult(ctx.req, ctx.res, {
        login: { accountId: user.id, amr: ['otp'], remember: true },
      }, { mergeWithLastSubmission: false });
      ctx.status = 303;
      ctx.redirect(returnTo);
      return;
    }
    if (outcome.kind === 'dead') {
      attempt.state = { ...state, passcodeDead: true };
      await save(attempt);
    }
    const { text, status } = describeVerifyOutcome(outcome);
    await render(ctx as RouterContext, attempt, { kind: 'error', text }, status);
  });

  router.post('/cancel', async (ctx) => {
    const attempt = await load(ctx as RouterContext);
    checkCsrf(ctx as RouterContext, attempt);
    const returnTo = await attempt.provider.interactionResult(ctx.req, ctx.res, {
      error: 'access_denied',
      error_description: 'The guest cancelled the sign-in.',
    }, { mergeWithLastSubmission: false });
    ctx.status = 303;
    ctx.redirect(returnTo);
  });

  return router;
}

/** Names the tenant and the request (set by ops/request-log.ts) in the log line of a failed upstream leg. */
function upstreamLeg(ctx: RouterContext): UpstreamLeg {
  return { tenant: ctx.state.tenant.id, requestId: (ctx.state as { requestId?: string }).requestId };
}
