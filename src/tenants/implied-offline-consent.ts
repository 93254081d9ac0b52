import type { KoaContextWithOIDC, Provider } from 'oidc-provider';

/**
 * Refresh tokens without `prompt=consent`, as Entra, Okta and Auth0 issue them.
 *
 * OpenID Connect Core 11: with `offline_access` the request must carry `prompt=consent` "unless
 * other conditions for processing the request permitting offline access to the requested
 * resources are in place". In a tenant they are: its administrator registered the app, and
 * consent is implied (loadExistingGrant in provider-configuration.ts, and the interaction grants
 * an explicit consent prompt at once, without a page). oidc-provider knows nothing of that
 * condition: without `consent` in `prompt` it drops `offline_access` from the request before any
 * configurable hook sees it (checkScope in lib/actions/authorization/scopes.js), and its
 * `issueRefreshToken` then has nothing to go on. So the condition is stated in oidc-provider's own
 * terms, before it reads the request: an authorization request of a client allowed the
 * refresh_token grant that asks for `offline_access` counts as one with `consent` in `prompt`.
 * Everything after (keeping the scope, the consent prompt, the refresh token, its lifetime) is
 * oidc-provider's own behaviour, the same as when the app sends `prompt=consent` itself.
 *
 * `prompt=none` is left alone: it may not be combined, so a silent request keeps OpenID Connect's
 * rule (no `offline_access` without a consent prompt).
 */

const OFFLINE_ACCESS = 'offline_access';

/**
 * The `prompt` an authorization request is handled with: the app's own with `consent` added when
 * it asks for offline access; undefined when nothing changes (no offline access, consent already
 * there, `prompt=none`, or a repeated parameter, which oidc-provider refuses by itself).
 */
export function promptWithImpliedConsent(scope: unknown, prompt: unknown): string | undefined {
  if (typeof scope !== 'string' || !scope.split(' ').includes(OFFLINE_ACCESS)) return undefined;
  if (prompt !== undefined && typeof prompt !== 'string') return undefined;
  const prompts = prompt ? prompt.split(' ').filter(Boolean) : [];
  if (prompts.includes('consent') || prompts.includes('none')) return undefined;
  return [...prompts, 'consent'].join(' ');
}

/** `provider.use` middleware: applies promptWithImpliedConsent to the authorization endpoint's query. */
export function impliedOfflineConsent(provider: Provider) {
  const authorizationPath = provider.pathFor('authorization', { mountPath: '' });
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> => {
    if (ctx.method === 'GET' && ctx.path === authorizationPath) {
      const prompt = promptWithImpliedConsent(ctx.query.scope, ctx.query.prompt);
      if (prompt && await allowsRefreshTokens(provider, ctx.query.client_id)) rewriteQuery(ctx, { ...ctx.query, prompt });
    }
    await next();
  };
}

/**
 * Replaces the query. oidc-provider finds its mount path (and so every URL it builds, such as the
 * resume URL) as the part of `req.originalUrl` before `req.url` (see mount-provider.ts), so both
 * change together.
 */
function rewriteQuery(ctx: KoaContextWithOIDC, query: Record<string, string | string[] | undefined>): void {
  const req = ctx.req as typeof ctx.req & { originalUrl?: string };
  const at = req.originalUrl?.indexOf(ctx.url) ?? -1;
  const mountPath = at > 0 ? req.originalUrl!.slice(0, at) : '';
  ctx.query = query;
  req.originalUrl = `${mountPath}${ctx.url}`;
}

/** Whether the client may use refresh tokens; an unknown or unusable client is oidc-provider's to refuse. */
async function allowsRefreshTokens(provider: Provider, clientId: unknown): Promise<boolean> {
  if (typeof clientId !== 'string') return false;
  const client = await provider.Client.find(clientId).catch(() => undefined);
  return client?.grantTypeAllowed('refresh_token') ?? false;
}
