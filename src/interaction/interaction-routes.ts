import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';

import { FORM_BODY_LIMIT } from '../limits.ts';
import { mountSecondFactorRoutes } from '../mfa/mfa-routes.ts';
import type { TenantState } from '../tenants/tenant-routes.ts';
import { attemptOf, type SignInContext, type SignInDeps } from './sign-in-context.ts';
import { problemRecorder } from './sign-in-recording.ts';
import { renderSignInProblems } from './sign-in-problem.ts';
import { cancel } from './steps/cancel.ts';
import { changeAddress } from './steps/change-address.ts';
import { federate } from './steps/federate.ts';
import { federated } from './steps/federated.ts';
import { identify } from './steps/identify.ts';
import { sendCode } from './steps/send-code.ts';
import { showStep } from './steps/show-step.ts';
import { verifyCode } from './steps/verify-code.ts';

export type { SignInDeps as InteractionDependencies } from './sign-in-context.ts';

/**
 * The guest's side of a sign-in, under `/{tenant}/v2.0/interaction/{uid}`: the address, home-realm
 * discovery, then an upstream provider or the email one-time passcode. The GET renders where the
 * attempt stands; each POST (with a CSRF token) moves it on, then redirects back (303). One file
 * per step, in steps/; a step that cannot go on throws a SignInProblem, which becomes a page here.
 */
export function interactionRoutes(deps: SignInDeps): Router<TenantState> {
  const router = new Router<TenantState>({ prefix: '/:tenant/v2.0/interaction/:uid' });
  router.use(renderSignInProblems(deps.pages, problemRecorder(deps, attemptOf)));
  router.use(bodyParser({ enableTypes: ['form'], formLimit: FORM_BODY_LIMIT }));
  const step = (handler: (deps: SignInDeps, ctx: SignInContext) => Promise<void>) => (ctx: SignInContext) => handler(deps, ctx);

  router.get('/', step(showStep));
  router.post('/identify', step(identify));
  router.post('/change-address', step(changeAddress));
  // Email one-time passcode.
  router.post('/send', step(sendCode));
  router.post('/verify', step(verifyCode));
  // Federation: out to the upstream provider, and back (through federation-callback-route.ts).
  router.get('/federate', step(federate));
  router.get('/federated', step(federated));
  router.post('/cancel', step(cancel));
  // The second factor, when one is due (src/mfa).
  mountSecondFactorRoutes(router, deps);

  return router;
}
