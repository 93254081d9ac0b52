import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';

import { Redis } from 'ioredis';
import { type Configuration, Provider } from 'oidc-provider';

import { countRedisRoundTrips, redisPortsFromEnv, serveWithStats } from '../support/server-stats.ts';
import { bareRedisAdapter } from './bare-redis-adapter.ts';

/**
 * The baseline: oidc-provider as its README starts it, one issuer, the same grants and endpoints
 * switched on as ours, and the smallest interaction there is (sign the account in at once, consent
 * implied). Its store: the plain Redis adapter of oidc-provider's example (BARE_STORE=redis,
 * REDIS_URL; keys under a prefix of its own) or, by default, oidc-provider's in-memory adapter.
 * Signing keys: one RS256 and one ES256 key, as every guest-idp tenant has; the app client
 * `bench-app-es256` gets ES256 ID tokens. Prints its address and clients once listening.
 */
const server = createServer();
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const { port } = server.address() as { port: number };
const issuer = `http://127.0.0.1:${port}`;

countRedisRoundTrips(redisPortsFromEnv());
const redis = process.env.BARE_STORE === 'redis'
  ? new Redis(process.env.REDIS_URL as string, { keyPrefix: `bare-bench-${process.pid}:` })
  : undefined;
const { privateKey: rsaKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const { privateKey: ecKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

const client = { client_id: 'bench-service', client_secret: 'bench-service-secret-0123456789abcdef' };
const app = { client_id: 'bench-app', redirect_uri: 'https://bench-app.example/callback' };
const es256App = { client_id: 'bench-app-es256', redirect_uri: app.redirect_uri };
const provider = new Provider(issuer, {
  ...(redis ? { adapter: bareRedisAdapter(redis) } : {}),
  jwks: { keys: [rsaKey.export({ format: 'jwk' }), ecKey.export({ format: 'jwk' })] } as Configuration['jwks'],
  clients: [
    { ...client, grant_types: ['client_credentials'], redirect_uris: [], response_types: [] },
    { client_id: app.client_id, redirect_uris: [app.redirect_uri], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'] },
    {
      client_id: es256App.client_id, redirect_uris: [es256App.redirect_uri], token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'], id_token_signed_response_alg: 'ES256',
    },
  ],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
  },
  // As guest-idp: every refresh hands out a new refresh token.
  rotateRefreshToken: true,
  cookies: { keys: ['bench-cookie-key'] },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
    // offline_access too, so the bench can hold refresh tokens (the app asks with prompt=consent).
    grant.addOIDCScope('openid offline_access');
    await grant.save();
    return grant;
  },
});
const handle = provider.callback();
serveWithStats(server, async (req, res) => {
  if (req.url?.startsWith('/interaction/')) {
    // `consent` answers a prompt=consent request; the grant itself is loadExistingGrant's.
    await provider.interactionFinished(req, res, { login: { accountId: 'bench-account' }, consent: {} });
    return;
  }
  await handle(req, res);
});
process.stdout.write(`${JSON.stringify({ issuer, clientId: client.client_id, clientSecret: client.client_secret, appClientId: app.client_id, es256AppClientId: es256App.client_id, redirectUri: app.redirect_uri })}\n`);
process.once('SIGTERM', async () => {
  if (redis) {
    // Leave the bench's redis-server as it was: this process's keys go with it.
    // ioredis prefixes key arguments but not KEYS patterns, and KEYS answers whole names.
    const prefix = redis.options.keyPrefix ?? '';
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys.map((key) => key.slice(prefix.length)));
    redis.disconnect();
  }
  process.exit(0);
});
