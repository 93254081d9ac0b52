import { once } from 'node:events';
import { createServer, type Server } from 'node:http';

import { decodeJwt, decodeProtectedHeader, importJWK, SignJWT } from 'jose';
import { Provider } from 'oidc-provider';

import { Keys } from '../../src/store/keys.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { ModelAdapter } from '../../src/store/oidc-adapter.ts';
import { generateSigningKey } from '../../src/tenants/signing-keys.ts';

/**
 * A real upstream OIDC provider for the tests: another oidc-provider instance on loopback,
 * playing Google, a partner's identity provider, or the consumer-account service (with its
 * account lookup at /lookup). Its sign-in page lists its accounts; choosing one signs in.
 */
export interface UpstreamAccount {
  sub: string;
  email: string;
  email_verified?: boolean;
  name?: string;
}

export interface UpstreamIdp {
  issuer: string;
  name: string;
  /** Lets our tenant's federation callback receive codes from it. */
  registerClient(client: { client_id: string; client_secret: string; redirect_uris: string[] }): Promise<void>;
  addAccount(account: UpstreamAccount): void;
  /** Addresses the consumer-account lookup says have an account. */
  consumerAccounts: Set<string>;
  /** Misbehaviours for failure tests; `resetTamper` turns them all off. */
  tamper: UpstreamTamper;
  resetTamper(): void;
  /** Every access and ID token its token endpoint handed out (to prove none reaches a log). */
  issuedTokens: string[];
  /** Its userinfo endpoint's answers, in order (its claims as JSON). */
  userinfoAnswers: Array<Record<string, unknown>>;
  /** TCP connections and HTTP requests it received so far (SSRF tests: none may arrive). */
  seen: { connections: number; requests: number };
  stop(): Promise<void>;
  close(): Promise<void>;
}

export interface UpstreamTamper {
  idTokenSignature: boolean;
  nonce: boolean;
  /** Claims to overwrite in the ID token, which is then signed again with the provider's own key (a misconfigured provider, not a forger). */
  idTokenClaims: Record<string, unknown> | undefined;
  /** The token endpoint answers this instead of tokens (an object as JSON, a string starting with `<` as HTML, unless `type` says). */
  tokenAnswer: { status: number; body: string | object; type?: string } | undefined;
  /** Userinfo describes this subject instead of the signed-in one. */
  userinfoSubject: string | undefined;
}

export interface UpstreamOptions {
  amr?: string[];
  /**
   * false (the default here): every requested claim in the ID token too. true: oidc-provider's own
   * default, OpenID Connect's rule: with an access token issued, the scope's claims (email,
   * email_verified, name) are only in userinfo.
   */
  conformIdTokenClaims?: boolean;
}

function untampered(): UpstreamTamper {
  return { idTokenSignature: false, nonce: false, idTokenClaims: undefined, tokenAnswer: undefined, userinfoSubject: undefined };
}

export async function startUpstreamIdp(name: string, { amr = ['pwd'], conformIdTokenClaims = false }: UpstreamOptions = {}): Promise<UpstreamIdp> {
  const server: Server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const accounts = new Map<string, UpstreamAccount>();
  const consumerAccounts = new Set<string>();
  const tamper = untampered();
  const issuedTokens: string[] = [];
  const userinfoAnswers: Array<Record<string, unknown>> = [];
  const seen = { connections: 0, requests: 0 };
  server.on('connection', () => { seen.connections += 1; });

  const store = new MemoryStore();
  const keys = new Keys('upstream');
  const signingKey = await generateSigningKey('RS256', 'current', new Date());
  const provider = new Provider(issuer, {
    adapter: (model: string) => new ModelAdapter(store, keys, 'upstream', model),
    jwks: { keys: [signingKey.privateJwk] } as never,
    features: { devInteractions: { enabled: false } },
    cookies: { keys: ['upstream-test-cookie-key'] },
    ttl: { Interaction: 600, Grant: 3600, Session: 3600, AccessToken: 600, AuthorizationCode: 60, IdToken: 600 },
    claims: { openid: ['sub', 'amr'], email: ['email', 'email_verified'], profile: ['name'] },
    conformIdTokenClaims,
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, sub) {
      const account = accounts.get(sub);
      return account && { accountId: sub, claims: async () => ({ email_verified: true, ...account }) };
    },
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  });
  provider.use(async (ctx, next) => {
    if (tamper.nonce && ctx.path === '/auth' && ctx.query.nonce) ctx.query = { ...ctx.query, nonce: 'not-the-nonce-that-was-sent' };
    if (tamper.tokenAnswer && ctx.path === '/token') {
      ctx.status = tamper.tokenAnswer.status;
      ctx.body = tamper.tokenAnswer.body;
      if (tamper.tokenAnswer.type) ctx.type = tamper.tokenAnswer.type;
      return;
    }
    await next();
    if (ctx.path === '/me' && ctx.status === 200) {
      // oidc-provider always answers with the token's own subject (account_claims.js): the lie is told here.
      if (tamper.userinfoSubject) ctx.body = { ...(ctx.body as object), sub: tamper.userinfoSubject };
      userinfoAnswers.push(ctx.body as Record<string, unknown>);
    }
    const body = ctx.body as { id_token?: string; access_token?: string } | undefined;
    if (ctx.path !== '/token' || !body?.id_token) return;
    if (tamper.idTokenClaims) {
      const header = decodeProtectedHeader(body.id_token);
      body.id_token = await new SignJWT({ ...decodeJwt(body.id_token), ...tamper.idTokenClaims })
        .setProtectedHeader({ alg: header.alg!, kid: header.kid!, typ: 'JWT' })
        .sign(await importJWK(signingKey.privateJwk, signingKey.alg));
    }
    if (tamper.idTokenSignature) {
      const [header, payload, signature] = body.id_token.split('.');
      body.id_token = [header, payload, `${signature!.slice(0, -4)}AAAA`].join('.');
    }
    issuedTokens.push(body.id_token, ...(body.access_token ? [body.access_token] : []));
  });
  const handle = provider.callback();

  server.on('request', async (req, res) => {
    seen.requests += 1;
    const url = new URL(req.url ?? '/', issuer);
    if (url.pathname === '/lookup') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ exists: consumerAccounts.has(url.searchParams.get('email') ?? '') }));
      return;
    }
    const interaction = /^\/interaction\/([^/]+)$/.exec(url.pathname);
    if (interaction && req.method === 'GET') {
      const details = await provider.interactionDetails(req, res);
      const hint = String(details.params.login_hint ?? '');
      const buttons = [...accounts.values()]
        .map((account) => `<button name="account" value="${account.sub}"${account.email === hint ? ' autofocus' : ''}>${account.name ?? account.email} (${account.email})</button>`)
        .join('');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in to ${name}</title></head>
<body style="font-family:system-ui,sans-serif;margin:40px"><h1>Sign in to ${name}</h1><p>Signing in as ${hint}</p>
<form method="post" action="/interaction/${details.uid}">${buttons}<button name="account" value="__cancel">Cancel</button></form></body></html>`);
      return;
    }
    if (interaction && req.method === 'POST') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const chosen = new URLSearchParams(body).get('account') ?? '';
      await provider.interactionFinished(req, res, chosen === '__cancel' || !accounts.has(chosen)
        ? { error: 'access_denied', error_description: 'The user cancelled.' }
        : { login: { accountId: chosen, amr } });
      return;
    }
    await handle(req, res);
  });

  const stop = async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  };

  return {
    issuer,
    name,
    consumerAccounts,
    tamper,
    resetTamper() {
      Object.assign(tamper, untampered());
    },
    issuedTokens,
    userinfoAnswers,
    seen,
    async registerClient(client) {
      // The provider's own (memory) adapter holds dynamic clients; its static getter is untyped.
      await (provider.Client as unknown as { adapter: { upsert(id: string, payload: object): Promise<void> } }).adapter.upsert(client.client_id, {
        ...client, grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_post',
      });
    },
    addAccount(account) {
      accounts.set(account.sub, account);
    },
    stop,
    async close() {
      if (server.listening) await stop();
      await store.close();
    },
  };
}
