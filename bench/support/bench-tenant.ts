import type { GuestIdp } from '../../src/app.ts';

/** What a benchmarked guest-idp prints once ready: where the load generator signs in and takes tokens. */
export interface BenchTenantInfo {
  issuer: string;
  clientId: string;
  clientSecret: string;
  appClientId: string;
  /** The same app registered for ES256 ID tokens (appClientId gets the tenant's default, RS256). */
  es256AppClientId: string;
  redirectUri: string;
}

/**
 * The bench's tenant `bench`: a client-credentials client, a public web app (twice: RS256 and ES256
 * ID tokens, to compare the cost of each signature), and `guests` invited
 * guests (bench-guest-N@partner.example). Created once per benchmarked deployment, however many
 * processes then serve it.
 */
export async function createBenchTenant(idp: GuestIdp, guests: number): Promise<BenchTenantInfo> {
  const tenant = await idp.tenants.create({ id: 'bench', displayName: 'Bench' });
  const client = { client_id: 'bench-service', client_secret: 'bench-service-secret-0123456789abcdef' };
  const common = { post_logout_redirect_uris: [], roles: [], client_id_issued_at: 0 };
  await idp.clients.create('bench', {
    ...client, ...common, client_name: 'bench', redirect_uris: [], grant_types: ['client_credentials'], response_types: [],
    token_endpoint_auth_method: 'client_secret_basic',
  });
  const app = { client_id: 'bench-app', redirect_uri: 'https://bench-app.example/callback' };
  const appClient = {
    ...common, client_name: 'Bench app', redirect_uris: [app.redirect_uri], grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code' as const], token_endpoint_auth_method: 'none' as const,
  };
  await idp.clients.create('bench', { ...appClient, client_id: app.client_id });
  const es256App = { client_id: 'bench-app-es256' };
  await idp.clients.create('bench', { ...appClient, client_id: es256App.client_id, id_token_signed_response_alg: 'ES256' });
  for (let index = 0; index < guests; index += 1) {
    await idp.invitations.invite(tenant, {
      invitedUserEmailAddress: `bench-guest-${index}@partner.example`, inviteRedirectUrl: 'https://bench-app.example/', sendInvitationMessage: false,
    }, 'bench');
  }
  return {
    issuer: `${idp.config.baseUrl}/bench/v2.0`, clientId: client.client_id, clientSecret: client.client_secret,
    appClientId: app.client_id, es256AppClientId: es256App.client_id, redirectUri: app.redirect_uri,
  };
}

/** The configuration every benchmarked guest-idp process runs with. */
export function benchEnv(baseUrl: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    BASE_URL: baseUrl,
    ADMIN_TOKEN: 'bench-admin-token-0123456789abcdefghijkl',
    LOG_LEVEL: 'silent',
    SMTP_URL: env.SMTP_URL,
    // Every bench login comes from 127.0.0.1.
    OTP_SEND_LIMIT_PER_IP: '1000000',
    REDIS_URL: env.REDIS_URL,
    REDIS_CLUSTER_NODES: env.REDIS_CLUSTER_NODES,
  };
}
