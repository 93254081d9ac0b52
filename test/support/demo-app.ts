import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';

import * as oidc from 'openid-client';

/**
 * A tiny relying-party web app on loopback, as a tenant's developer would write it with
 * openid-client: `/login` starts the code flow (PKCE, state, nonce), `/callback` exchanges the
 * code and shows who signed in, `/welcome` is where invitations lead, `/logout` signs the guest
 * out as such an app does (RP-initiated logout with the ID token of its session as hint).
 */
export interface DemoApp {
  origin: string;
  redirectUri: string;
  close(): Promise<void>;
}

export async function startDemoApp(issuer: string, client: { client_id: string; client_secret: string }, redirectPort?: number): Promise<DemoApp> {
  const server: Server = createServer();
  server.listen(redirectPort ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://localhost:${(server.address() as { port: number }).port}`;
  const redirectUri = `${origin}/callback`;
  const config = await oidc.discovery(new URL(issuer), client.client_id, client.client_secret, undefined, { execute: [oidc.allowInsecureRequests] });
  const pending = new Map<string, { verifier: string; nonce: string }>();
  // The app's own sessions: a random cookie names the ID token it keeps for signing out.
  const sessions = new Map<string, string>();
  const SESSION_COOKIE = 'demo_app_session';

  const page = (title: string, body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body style="font-family:system-ui,sans-serif;margin:40px"><h1>${title}</h1>${body}</body></html>`;

  server.on('request', async (req, res) => {
    const url = new URL(req.url ?? '/', origin);
    try {
      if (url.pathname === '/login') {
        const verifier = oidc.randomPKCECodeVerifier();
        const state = oidc.randomState();
        const nonce = oidc.randomNonce();
        pending.set(state, { verifier, nonce });
        const target = oidc.buildAuthorizationUrl(config, {
          redirect_uri: redirectUri, scope: 'openid email profile', state, nonce,
          code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
        });
        res.writeHead(302, { location: target.href }).end();
      } else if (url.pathname === '/callback') {
        const state = url.searchParams.get('state') ?? '';
        const transaction = pending.get(state);
        if (!transaction) throw new Error('unknown state');
        pending.delete(state);
        const tokens = await oidc.authorizationCodeGrant(config, url, { pkceCodeVerifier: transaction.verifier, expectedState: state, expectedNonce: transaction.nonce });
        const claims = tokens.claims()!;
        const session = randomBytes(16).toString('base64url');
        sessions.set(session, tokens.id_token!);
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'set-cookie': `${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Lax` })
          .end(page('Signed in to the app',
            `<p id="who">${claims.email}</p><pre id="claims">${JSON.stringify(claims, null, 2)}</pre><p><a href="/logout">Sign out</a></p>`));
      } else if (url.pathname === '/logout') {
        const session = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([^;]+)`).exec(req.headers.cookie ?? '')?.[1];
        const idToken = session ? sessions.get(session) : undefined;
        if (!session || !idToken) throw new Error('not signed in');
        sessions.delete(session);
        res.writeHead(302, { location: oidc.buildEndSessionUrl(config, { id_token_hint: idToken }).href, 'set-cookie': `${SESSION_COOKIE}=; Path=/; Max-Age=0` }).end();
      } else if (url.pathname === '/welcome') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page('Welcome to the app', '<p>Your invitation is accepted.</p>'));
      } else {
        res.writeHead(404).end();
      }
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    }
  });

  return {
    origin,
    redirectUri,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
