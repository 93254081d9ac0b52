import { IncomingMessage } from 'node:http';
import { parse as parseForm, stringify as stringifyForm } from 'node:querystring';

import { errors, type KoaContextWithOIDC, type Provider } from 'oidc-provider';

import { PUSHED_REQUEST_BODY_LIMIT } from '../limits.ts';

/**
 * Refresh tokens without `prompt=consent`, as Entra, Okta and Auth0 issue them.
 *
 * OpenID Connect Core 11: with `offline_access` the request must carry `prompt=consent` "unless
 * other conditions for processing the request permitting offline access to the requested
 * resources are in place". In a tenant they are: its administrator registered the app, and
 * consent is implied (implied-consent.ts: the consent prompt asks nothing, and the grant has every
 * requested scope). oidc-provider knows nothing of that
 * condition: without `consent` in `prompt` it drops `offline_access` from the request before any
 * configurable hook sees it (checkScope in lib/actions/authorization/scopes.js; a pushed request
 * is stored that way too), and its `issueRefreshToken` then has nothing to go on. So the
 * condition is stated in oidc-provider's own terms, before it reads the request: an authorization
 * request (GET, or pushed, RFC 9126) that asks for `offline_access` counts as one with `consent`
 * in `prompt`. Everything after (keeping the scope, the refresh token only for
 * a client allowed the refresh_token grant, its lifetime) is oidc-provider's own behaviour, the
 * same as when the app sends `prompt=consent` itself.
 *
 * `prompt=none` is left alone: it may not be combined, so a silent request keeps OpenID Connect's
 * rule (no `offline_access` without a consent prompt).
 */

const OFFLINE_ACCESS = 'offline_access';
const FORM = 'application/x-www-form-urlencoded';

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

/**
 * `provider.use` middleware: applies promptWithImpliedConsent to the authorization endpoint's
 * query and to the body of a pushed authorization request.
 */
export function impliedOfflineConsent(provider: Provider) {
  const authorizationPath = provider.pathFor('authorization', { mountPath: '' });
  const pushedRequestPath = provider.pathFor('pushed_authorization_request', { mountPath: '' });
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> => {
    if (ctx.method === 'GET' && ctx.path === authorizationPath) {
      const prompt = promptWithImpliedConsent(ctx.query.scope, ctx.query.prompt);
      if (prompt) rewriteQuery(ctx, { ...ctx.query, prompt });
    } else if (ctx.method === 'POST' && ctx.path === pushedRequestPath) {
      await readPushedRequest(ctx);
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

/**
 * A pushed request's parameters are its form body, which oidc-provider reads from the request
 * stream itself. So the form is read here, as oidc-provider would read it, and oidc-provider is
 * given the same request with the prompt set (its fallback for a body parsed upstream would do
 * too, but writes a plain-text notice to stderr, and logs here are JSON lines). Anything this does
 * not read as oidc-provider does (another content type, no or a too large Content-Length) is left
 * to oidc-provider, untouched.
 */
async function readPushedRequest(ctx: KoaContextWithOIDC): Promise<void> {
  const length = ctx.request.length;
  if (!ctx.is(FORM) || length === undefined || length > PUSHED_REQUEST_BODY_LIMIT) return;
  // Node's HTTP parser ends the body at Content-Length.
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  } catch (cause) {
    // The client went away mid-body: oidc-provider's own answer to that (a 4xx, nothing logged).
    throw new errors.InvalidRequest('failed to parse the request body', undefined, { cause });
  }
  const body = Buffer.concat(chunks);
  const form = parseForm(body.toString('utf8'));
  const prompt = promptWithImpliedConsent(form.scope, form.prompt);
  const replay = withBody(ctx.req, prompt ? Buffer.from(stringifyForm({ ...form, prompt })) : body);
  ctx.req = replay;
  ctx.request.req = replay;
  ctx.response.req = replay;
}

/** The same request (socket, method, URL, headers) with `body` to read. */
function withBody(req: IncomingMessage & { originalUrl?: string }, body: Buffer): IncomingMessage {
  const replay = new IncomingMessage(req.socket) as IncomingMessage & { originalUrl?: string };
  replay.method = req.method;
  replay.url = req.url;
  replay.originalUrl = req.originalUrl;
  replay.httpVersion = req.httpVersion;
  replay.headers = { ...req.headers, 'content-length': String(body.length) };
  replay.push(body);
  replay.push(null);
  // Complete, as the HTTP parser marks a request it read whole; an incomplete one that ends would take the socket down with it.
  replay.complete = true;
  return replay;
}
