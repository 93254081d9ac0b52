import Router from '@koa/router';
import * as oidc from 'openid-client';

import type { Config } from '../config.ts';
import type { OutboxMailer } from '../mail/outbox-mailer.ts';
import { issuerOf } from '../tenants/tenant.ts';
import type { Pages } from '../web/pages.ts';
import { DEMO } from './demo.ts';

export interface DevelopmentDependencies {
  config: Config;
  pages: Pages;
  /** The development outbox, when mail goes there (no SMTP_URL). */
  outbox: OutboxMailer | undefined;
}

/** How long the demo's sign-in transaction cookie lives. */
const DEMO_TRANSACTION_SECONDS = 60 * 60;

/**
 * Development mode only (never mounted in production):
 * - `/dev/outbox` lists the mail the outbox caught since the server started, codes included;
 * - `/demo` is a relying party of the demo tenant, driven by openid-client exactly as a real app
 *   would be: code flow with PKCE, state and nonce, ending on a page of the ID token's claims.
 */
export function developmentRoutes({ config, pages, outbox }: DevelopmentDependencies): Router {
  const router = new Router();
  const issuer = issuerOf(config.baseUrl, DEMO.tenant.id);
  const redirectUri = `${config.baseUrl}${DEMO.client.redirect_path}`;
  let discovered: Promise<oidc.Configuration> | undefined;
  const demoClient = () => {
    discovered ??= oidc.discovery(new URL(issuer), DEMO.client.client_id, undefined, oidc.None(), {
      execute: issuer.startsWith('http:') ? [oidc.allowInsecureRequests] : [],
    }).catch((error: unknown) => {
      discovered = undefined;
      throw error;
    });
    return discovered;
  };

  router.get('/', (ctx) => ctx.redirect('/demo'));

  router.get('/dev/outbox', async (ctx) => {
    const listing = outbox ? await outbox.list() : { messages: [], earlier: 0 };
    pages.send(ctx, 'dev-outbox', {
      title: 'Development outbox',
      wide: true,
      messages: listing.messages,
      earlier: listing.earlier,
      outboxDir: config.outboxDir,
      memoryStore: !config.redis,
      smtpConfigured: !outbox,
    });
  });

  router.get('/demo', (ctx) => {
    pages.send(ctx, 'demo', {
      title: `${DEMO.client.client_name}`,
      tenantName: DEMO.tenant.displayName,
      issuer,
      guest: DEMO.guest,
      clientId: DEMO.client.client_id,
    });
  });

  router.get('/demo/sign-in', async (ctx) => {
    const client = await demoClient();
    const transaction = {
      verifier: oidc.randomPKCECodeVerifier(),
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
    };
    ctx.cookies.set('demo_transaction', Buffer.from(JSON.stringify(transaction)).toString('base64url'), {
      signed: true, httpOnly: true, sameSite: 'lax', path: '/demo', maxAge: DEMO_TRANSACTION_SECONDS * 1000,
    });
    const hint = typeof ctx.query.login_hint === 'string' ? ctx.query.login_hint : DEMO.guest.email;
    ctx.redirect(oidc.buildAuthorizationUrl(client, {
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(transaction.verifier),
      code_challenge_method: 'S256',
      state: transaction.state,
      nonce: transaction.nonce,
      login_hint: hint,
    }).href);
  });

  router.get('/demo/callback', async (ctx) => {
    const client = await demoClient();
    const stored = ctx.cookies.get('demo_transaction', { signed: true });
    if (!stored) {
      ctx.redirect('/demo');
      return;
    }
    const transaction = JSON.parse(Buffer.from(stored, 'base64url').toString()) as { verifier: string; state: string; nonce: string };
    ctx.cookies.set('demo_transaction', null, { path: '/demo' });
    try {
      const tokens = await oidc.authorizationCodeGrant(client, new URL(`${config.baseUrl}${ctx.url}`), {
        pkceCodeVerifier: transaction.verifier,
        expectedState: transaction.state,
        expectedNonce: transaction.nonce,
      });
      pages.send(ctx, 'demo-signed-in', {
        title: 'Signed in',
        wide: true,
        tenantName: DEMO.tenant.displayName,
        claims: tokens.claims() ?? {},
        signOutUrl: oidc.buildEndSessionUrl(client, {
          id_token_hint: tokens.id_token ?? '',
          post_logout_redirect_uri: `${config.baseUrl}/demo`,
        }).href,
      });
    } catch (error) {
      pages.send(ctx, 'error', {
        title: 'The demo app could not finish signing in',
        tenantName: DEMO.tenant.displayName,
        message: (error as Error).message,
        retryUrl: '/demo',
      }, 400);
    }
  });

  return router;
}
