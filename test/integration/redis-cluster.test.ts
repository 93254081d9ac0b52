import * as oidc from 'openid-client';

import { RedisStore } from '../../src/store/redis-store.ts';
import { GuestAgent } from '../support/guest-agent.ts';
import { type RunningIdp, startIdp } from '../support/idp.ts';
import { type OwnRedisCluster, startOwnRedisCluster } from '../support/redis-cluster.ts';
import { inviteGuest, type SignInFixture, signInWithCode, tenantWithApp } from '../support/sign-in.ts';
import { type SmtpListener, startSmtpListener } from '../support/smtp.ts';

/**
 * REDIS_CLUSTER_NODES: the same product on a three-master Redis Cluster. Every multi-key script
 * (tenant creation with domain claims, token writes with their grant index, consume, revoking a
 * grant or a whole guest) must find its keys in one slot, which the key design's hash tags give.
 */

let cluster: OwnRedisCluster;
let smtp: SmtpListener;
let idp: RunningIdp;
let fixture: SignInFixture;

beforeAll(async () => {
  cluster = await startOwnRedisCluster();
  smtp = await startSmtpListener();
  idp = await startIdp({ store: await RedisStore.connect({ clusterNodes: cluster.nodes }), env: { SMTP_URL: smtp.url } });
  fixture = await tenantWithApp(idp, 'contoso', ['contoso.example']);
}, 60_000);

afterAll(async () => {
  // Also after a setup that failed half-way: whatever started must stop, or jest cannot exit.
  await idp?.close();
  await idp?.store.close();
  await smtp?.close();
  await cluster?.remove();
});

test('tenants, sign-in with a code, refresh, and revoking a guest all work on a cluster', async () => {
  expect((await idp.admin('POST', '/admin/tenants', { id: 'fabrikam', displayName: 'Fabrikam', verifiedDomains: ['contoso.example'] })).status).toBe(409);
  const invitation = await inviteGuest(idp, 'contoso', 'cluster-guest@partner.example');
  const { rp, tokens } = await signInWithCode(new GuestAgent(), fixture, 'cluster-guest@partner.example', smtp, { scope: 'openid email offline_access', prompt: 'consent' });
  expect(tokens.claims()?.sub).toBe(invitation.invitedUser.id);
  const refreshed = await oidc.refreshTokenGrant(rp.config, tokens.refresh_token!);
  // The rotated-away refresh token was consumed: it no longer works.
  await expect(oidc.refreshTokenGrant(rp.config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });

  expect((await idp.admin('DELETE', `/admin/tenants/contoso/users/${invitation.invitedUser.id}`)).status).toBe(204);
  await expect(oidc.refreshTokenGrant(rp.config, refreshed.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  expect((await idp.admin('POST', '/admin/tenants/contoso/signingKeys/rotate')).status).toBe(200);
  expect((await idp.admin('DELETE', '/admin/tenants/contoso')).status).toBe(204);
});

test('a whole key namespace is purged on a cluster, though its keys span hash slots', async () => {
  await idp.admin('POST', '/admin/tenants', { id: 'northwind', displayName: 'Northwind' });
  const prefix = `${idp.keys.namespace}:`;
  expect(await idp.store.deleteByPrefix(prefix)).toBeGreaterThan(0);
  expect(await idp.store.deleteByPrefix(prefix)).toBe(0);
});
