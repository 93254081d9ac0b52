import { Redis } from 'ioredis';

import { recordFinding } from '../support/findings.ts';
import { adminCall, type ProductProcess, productionEnv, runProductUntilExit, startProductProcess } from '../support/product-process.ts';
import { freePort } from '../support/redis-server.ts';
import { type SentinelGroup, startSentinelGroup } from '../support/redis-sentinel.ts';

/**
 * Redis Sentinel failover under the real `node src/main.ts`: a primary, a replica and a sentinel;
 * the product writes durable records (each acknowledged by the replica with WAIT), the primary is
 * killed, the product answers 503 while there is no primary and stays up, the sentinel promotes
 * the replica, the product follows it and every record written before the kill is there.
 */

let group: SentinelGroup | undefined;
let product: ProductProcess | undefined;

afterEach(async () => {
  await product?.stop('SIGKILL');
  await group?.remove();
  product = undefined;
  group = undefined;
});

/** Everything the admin API says about a tenant's durable records, to compare before and after. */
async function durableView(baseUrl: string, tenantId: string, clientId: string, userId: string) {
  const [tenant, client, user, jwks] = await Promise.all([
    adminCall(baseUrl, 'GET', `/admin/tenants/${tenantId}`),
    adminCall(baseUrl, 'GET', `/admin/tenants/${tenantId}/clients/${clientId}`),
    adminCall(baseUrl, 'GET', `/admin/tenants/${tenantId}/users/${userId}`),
    signingKeys(baseUrl, tenantId),
  ]);
  return { tenant, client, user, jwks };
}

async function signingKeys(baseUrl: string, tenantId: string): Promise<{ status: number; body: unknown }> {
  const discovery = await fetch(`${baseUrl}/${tenantId}/v2.0/.well-known/openid-configuration`);
  if (discovery.status !== 200) return { status: discovery.status, body: undefined };
  const jwks = await fetch(((await discovery.json()) as { jwks_uri: string }).jwks_uri);
  return { status: jwks.status, body: await jwks.json() };
}

async function commandCalls(redisUrl: string, command: string): Promise<number> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await redis.connect();
    const stats = await redis.info('commandstats');
    return Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(stats)?.[1] ?? 0);
  } finally {
    redis.disconnect();
  }
}

test('the product follows the replica Sentinel promotes, answers 503 only while there is no primary, and loses no acknowledged durable record', async () => {
  group = await startSentinelGroup();
  const env = productionEnv({ REDIS_SENTINELS: group.sentinel, REDIS_SENTINEL_NAME: group.name });
  delete env.REDIS_URL;
  product = await startProductProcess(env);
  const url = product.url;

  // Durable records of every kind the admin API writes: tenants (with their signing keys), clients, invited guests.
  const written: Array<{ tenantId: string; clientId: string; userId: string }> = [];
  for (const tenantId of ['north', 'south', 'east']) {
    expect((await adminCall(url, 'POST', '/admin/tenants', { id: tenantId, displayName: `${tenantId} Ltd`, verifiedDomains: [`${tenantId}.example`] })).status).toBe(201);
    const client = await adminCall(url, 'POST', `/admin/tenants/${tenantId}/clients`, { client_name: `${tenantId} app`, redirect_uris: [`https://${tenantId}-app.example/cb`] });
    expect(client.status).toBe(201);
    const invitation = await adminCall(url, 'POST', `/admin/tenants/${tenantId}/invitations`, {
      invitedUserEmailAddress: `guest@partner-of-${tenantId}.example`, inviteRedirectUrl: 'https://apps.example/', sendInvitationMessage: false,
    });
    expect(invitation.status).toBe(201);
    written.push({ tenantId, clientId: client.body.client_id, userId: invitation.body.invitedUser.id });
  }
  const before = await Promise.all(written.map((record) => durableView(url, record.tenantId, record.clientId, record.userId)));
  for (const view of before) for (const part of Object.values(view)) expect(part.status).toBe(200);
  // Every durable batch was followed by a WAIT, and the replica acknowledged each one.
  const waits = await commandCalls(group.primary.url, 'wait');
  expect(waits).toBeGreaterThanOrEqual(written.length * 3);
  expect(product.logs.filter((line) => String(line.msg).startsWith('durable write not acknowledged'))).toEqual([]);

  const killedAt = performance.now();
  await group.primary.kill();

  // No primary now: a clear 503 at once, no hang, the process keeps running.
  const duringOutage = performance.now();
  const ready = await fetch(`${url}/readyz`);
  const read = await adminCall(url, 'GET', '/admin/tenants/north');
  const write = await adminCall(url, 'POST', '/admin/tenants', { id: 'during-failover', displayName: 'Too early' });
  const outageAnswerMs = performance.now() - duringOutage;
  expect(group.hasSwitched()).toBe(false);
  expect(ready.status).toBe(503);
  expect(read).toMatchObject({ status: 503, body: { error: { code: 'ServiceUnavailable' } } });
  expect(write).toMatchObject({ status: 503, body: { error: { code: 'ServiceUnavailable' } } });
  expect((await fetch(`${url}/healthz`)).status).toBe(200);
  expect(product.child.exitCode).toBeNull();

  const newPrimary = await group.switchedMaster;
  const switchedMs = performance.now() - killedAt;
  expect(newPrimary).toBe(`127.0.0.1:${group.replica.port}`);
  await untilReady(url);
  const servingMs = performance.now() - killedAt;

  const after = await Promise.all(written.map((record) => durableView(url, record.tenantId, record.clientId, record.userId)));
  expect(after).toEqual(before);
  expect((await adminCall(url, 'GET', '/admin/tenants/during-failover')).status).toBe(404);

  // The new primary has no replica yet: a durable write still succeeds, and says in the log that
  // no replica has it.
  expect((await adminCall(url, 'POST', '/admin/tenants', { id: 'after-failover', displayName: 'After' })).status).toBe(201);
  const unacknowledged = await product.waitForLog((line) => String(line.msg).startsWith('durable write not acknowledged'));
  expect(unacknowledged).toMatchObject({ level: 40, acknowledged: 0, wanted: 1 });
  expect(product.child.exitCode).toBeNull();

  recordFinding({
    kind: 'fault',
    name: 'Redis primary killed under Sentinel',
    tried: `SIGKILL of the Redis primary behind one sentinel (down-after 1000 ms) after ${written.length * 3} durable admin writes, each acknowledged by the replica with WAIT`,
    times: 1,
    result: `503 for readyz, an admin read and an admin write while there was no primary (all three in ${Math.round(outageAnswerMs)} ms), process up; `
      + `+switch-master after ${Math.round(switchedMs)} ms, serving again after ${Math.round(servingMs)} ms; all ${written.length * 3} records and the signing keys intact; `
      + 'a write with no replica left succeeds and logs that it is unacknowledged',
  });
});

test('sentinels that do not answer at start-up: one line naming them, exit 1', async () => {
  const port = await freePort();
  const env = productionEnv({ REDIS_SENTINELS: `127.0.0.1:${port}`, REDIS_SENTINEL_NAME: 'guest-idp-primary' });
  delete env.REDIS_URL;
  const { code, stderr } = await runProductUntilExit(env);
  expect(code).toBe(1);
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).toContain(`guest-idp cannot start: Redis does not answer at the sentinels 127.0.0.1:${port} (primary guest-idp-primary)`);
});

/** readyz is what a load balancer watches to put the process back; the test does the same. */
async function untilReady(baseUrl: string): Promise<void> {
  for (;;) {
    if ((await fetch(`${baseUrl}/readyz`)).status === 200) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
