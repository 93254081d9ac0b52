import { once } from 'node:events';
import { createServer, type Server } from 'node:http';

import { recordFinding } from '../support/findings.ts';
import { loadConfig } from '../../src/config.ts';
import { OutboundHttp } from '../../src/outbound/outbound-http.ts';
import { describeOutboundFailure } from '../../src/outbound/outbound-failure.ts';
import { type ProviderDependencies, providerConfiguration } from '../../src/tenants/provider-configuration.ts';
import type { Tenant } from '../../src/tenants/tenant.ts';

/**
 * The outbound client on its own, against real loopback servers: this deployment's own origin is
 * reached, anything else on loopback is not, and a redirect cannot carry a request past the check.
 */

let target: Server;
let targetUrl: string;
let targetConnections = 0;
let own: Server;
let ownOrigin: string;
let ownRequests = 0;

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

beforeAll(async () => {
  target = createServer((_req, res) => res.end('internal secret'));
  target.on('connection', () => { targetConnections += 1; });
  targetUrl = await listen(target);
  // Plays this deployment (BASE_URL): answers itself, or redirects where it is told.
  own = createServer((req, res) => {
    ownRequests += 1;
    const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to');
    if (to) res.writeHead(302, { location: to }).end();
    else res.end('own answer');
  });
  ownOrigin = await listen(own);
});

afterAll(async () => {
  target.close();
  own.close();
});

test('refused: loopback by literal and by name; allowed: this deployment’s own origin', async () => {
  const outbound = new OutboundHttp({ allowPrivate: false, ownOrigin });
  try {
    expect(await (await outbound.fetch(`${ownOrigin}/`)).text()).toBe('own answer');
    for (const url of [`${targetUrl}/`, targetUrl.replace('127.0.0.1', 'localhost')]) {
      const failure = await outbound.fetch(url).then(() => undefined, (error: unknown) => describeOutboundFailure(error));
      expect(failure).toMatchObject({ cause: 'refusedAddress', addressUse: 'loopback' });
    }
    expect(targetConnections).toBe(0);
  } finally {
    await outbound.close();
  }
});

test('a redirect to a private address is refused at the hop, even from the deployment’s own origin', async () => {
  const outbound = new OutboundHttp({ allowPrivate: false, ownOrigin });
  try {
    const ownBefore = ownRequests;
    const failure = await outbound.fetch(`${ownOrigin}/?to=${encodeURIComponent(`${targetUrl}/`)}`).then(() => undefined, (error: unknown) => describeOutboundFailure(error));
    // The first hop (our own origin) answered with the redirect; the second was refused.
    expect(ownRequests).toBe(ownBefore + 1);
    expect(failure).toMatchObject({ cause: 'refusedAddress', address: '127.0.0.1' });
    expect(targetConnections).toBe(0);
    recordFinding({
      kind: 'attack', name: 'SSRF through a redirect',
      tried: 'an outbound request answered by a redirect to another loopback port, with private upstreams refused',
      times: 1,
      result: `the hop is refused at connect time; the redirect target received ${targetConnections} connections`,
    });
  } finally {
    await outbound.close();
  }
});

test('oidc-provider’s own fetches for a tenant (client jwks_uri, sector identifiers, back-channel logout) go through the guarded client', async () => {
  const outbound = new OutboundHttp({ allowPrivate: false, ownOrigin });
  try {
    const dependencies = { config: loadConfig({ BASE_URL: ownOrigin }), outbound, accountsFor: () => async () => undefined } as unknown as ProviderDependencies;
    const configuration = providerConfiguration({ id: 'contoso', displayName: 'Contoso' } as Tenant, [], dependencies);
    const failure = await configuration.fetch!(`${targetUrl}/jwks`, { method: 'GET' }).then(() => undefined, (error: unknown) => describeOutboundFailure(error));
    expect(failure).toMatchObject({ cause: 'refusedAddress', addressUse: 'loopback' });
    expect(targetConnections).toBe(0);
  } finally {
    await outbound.close();
  }
});

test('with private upstreams allowed, loopback is reached, redirects included', async () => {
  const outbound = new OutboundHttp({ allowPrivate: true, ownOrigin });
  try {
    expect(await (await outbound.fetch(`${ownOrigin}/?to=${encodeURIComponent(`${targetUrl}/`)}`)).text()).toBe('internal secret');
    expect(targetConnections).toBe(1);
  } finally {
    await outbound.close();
  }
});
