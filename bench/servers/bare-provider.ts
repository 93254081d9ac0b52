import { once } from 'node:events';
import { createServer } from 'node:http';

import { Provider } from 'oidc-provider';

/**
 * The baseline: oidc-provider as its README starts it, one issuer, its own in-memory adapter, the
 * same grants and endpoints switched on as ours, and the smallest interaction there is (sign the
 * account in at once, consent implied). Prints its address and clients once listening.
 */
const server = createServer();
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const { port } = server.address() as { port: number };
const issuer = `http://127.0.0.1:${port}`;

const client = { client_id: 'bench-service', client_secret: 'bench-service-secret-0123456789abcdef' };
const app = { client_id: 'bench-app', redirect_uri: 'https://bench-app.example/callback' };
const provider = new Provider(issuer, {
  clients: [
    { ...client, grant_types: ['client_credentials'], redirect_uris: [], response_types: [] },
    { client_id: app.client_id, redirect_uris: [app.redirect_uri], token_endpoint_auth_method: 'none' },
  ],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
  },
  cookies: { keys: ['bench-cookie-key'] },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
    grant.addOIDCScope('openid');
    await grant.save();
    return grant;
  },
});
const handle = provider.callback();
server.on('request', async (req, res) => {
  if (req.url?.startsWith('/interaction/')) {
    await provider.interactionFinished(req, res, { login: { accountId: 'bench-account' } });
    return;
  }
  await handle(req, res);
});
process.stdout.write(`${JSON.stringify({ issuer, clientId: client.client_id, clientSecret: client.client_secret, appClientId: app.client_id, redirectUri: app.redirect_uri })}\n`);
process.once('SIGTERM', () => process.exit(0));
