import Router from '@koa/router';

import type { SignInRepository } from '../store/sign-in-repository.ts';
import type { TenantState } from '../tenants/tenant-routes.ts';
import type { Pages } from '../web/pages.ts';
import { renderSignInProblems, SignInProblem } from './sign-in-problem.ts';
import { problemRecorder, type SignInRecording } from './sign-in-recording.ts';

/**
 * `/{tenant}/v2.0/federation/callback`: the one redirect URI this tenant registers at upstream
 * providers. The interaction cookie is scoped to the interaction's own path, so this only finds
 * which sign-in the answer belongs to and hands it, unchanged, to
 * `/{tenant}/v2.0/interaction/{uid}/federated`, where the cookie is sent and the code is redeemed.
 */
export function federationCallbackRoute(pages: Pages, signIns: SignInRepository, recording: SignInRecording): Router<TenantState> {
  const router = new Router<TenantState>({ prefix: '/:tenant/v2.0/federation' });
  router.use(renderSignInProblems(pages, problemRecorder(recording)));
  router.get('/callback', async (ctx) => {
    const { tenant } = ctx.state;
    const state = typeof ctx.query.state === 'string' ? ctx.query.state : '';
    const federation = state ? await signIns.federation(tenant.id, state) : undefined;
    if (!federation) throw SignInProblem.federationTooLate();
    ctx.status = 303;
    ctx.redirect(`/${tenant.id}/v2.0/interaction/${federation.uid}/federated?${ctx.querystring}`);
  });
  return router;
}
