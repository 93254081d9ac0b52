import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';

import { SHUTDOWN_GRACE_MS } from '../../src/limits.ts';
import { recordFinding } from '../support/findings.ts';
import { rawRequest } from '../support/http.ts';
import { TEST_ADMIN_TOKEN } from '../support/idp.ts';
import { adminCall, type ProductProcess, productionEnv, purgeProductData, startProductProcess } from '../support/product-process.ts';

/**
 * SIGTERM on the real `node src/main.ts`: the request in flight finishes with its normal answer,
 * new connections are refused at once, the process exits 0 within the grace period. The request
 * is held in flight deterministically: registering an identity provider makes the server fetch
 * the provider's discovery document, and the test's provider answers only when told to.
 */

/** An OIDC provider whose discovery document is sent only after release(). */
interface HeldUpstream {
  issuer: string;
  /** Resolves once the product's discovery request has arrived and is being held. */
  arrived: Promise<void>;
  release(): void;
  close(): Promise<void>;
}

async function startHeldUpstream(): Promise<HeldUpstream> {
  let arrived!: () => void;
  let release!: () => void;
  const arrival = new Promise<void>((resolve) => { arrived = resolve; });
  const released = new Promise<void>((resolve) => { release = resolve; });
  let issuer = '';
  const server: Server = createServer((request, response) => {
    arrived();
    void released.then(() => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({
        issuer,
        authorization_endpoint: `${issuer}/auth`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
      }));
    });
    request.resume();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    issuer,
    arrived: arrival,
    release,
    async close() {
      release();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

function connectionAttempt(port: number): Promise<'connected' | string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** Starts registering an identity provider at the held upstream; the answer comes once it is released. */
function registerIdentityProvider(product: ProductProcess, upstream: HeldUpstream) {
  return rawRequest(`${product.url}/admin/tenants/shutdown/identityProviders/partner`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'oidc', issuer: upstream.issuer, clientId: 'guest-idp', clientSecret: 'partner-secret', domains: ['partner.example'] }),
  });
}

let product: ProductProcess | undefined;
let upstream: HeldUpstream | undefined;

afterEach(async () => {
  await upstream?.close();
  if (product) {
    await product.stop('SIGKILL');
    await purgeProductData(product.env);
  }
  product = undefined;
  upstream = undefined;
});

test('SIGTERM: the request in flight gets its normal answer, new connections are refused, the process exits 0 within the grace period', async () => {
  product = await startProductProcess(productionEnv());
  upstream = await startHeldUpstream();
  expect((await adminCall(product.url, 'POST', '/admin/tenants', { id: 'shutdown', displayName: 'Shutdown Ltd' })).status).toBe(201);

  const inFlight = registerIdentityProvider(product, upstream);
  await upstream.arrived;
  const signalledAt = performance.now();
  product.child.kill('SIGTERM');
  await product.waitForLog((line) => typeof line.msg === 'string' && line.msg.startsWith('shutting down'));

  const refused = await connectionAttempt(product.port);
  expect(refused).toBe('ECONNREFUSED');
  expect(product.child.exitCode).toBeNull();

  upstream.release();
  const answer = await inFlight;
  expect(answer.status).toBe(201);
  expect(JSON.parse(answer.body)).toMatchObject({ id: 'partner', issuer: upstream.issuer, domains: ['partner.example'] });
  // The keep-alive connection is not left open to hold the process up.
  expect(answer.headers.connection).toBe('close');

  expect(await product.exited).toBe(0);
  const exitMs = performance.now() - signalledAt;
  expect(exitMs).toBeLessThan(SHUTDOWN_GRACE_MS);

  recordFinding({
    kind: 'fault',
    name: 'SIGTERM with a request in flight',
    tried: 'SIGTERM to the production process while an admin request waited on an upstream; a new connection; then the upstream answered',
    times: 1,
    result: `new connection ${refused}; the request in flight answered ${answer.status} with Connection: close; exit code 0 after ${Math.round(exitMs)} ms (grace ${SHUTDOWN_GRACE_MS} ms)`,
  });
});

test('a second SIGTERM cuts the request still in flight and exits 1 at once', async () => {
  product = await startProductProcess(productionEnv());
  upstream = await startHeldUpstream();
  expect((await adminCall(product.url, 'POST', '/admin/tenants', { id: 'shutdown', displayName: 'Shutdown Ltd' })).status).toBe(201);

  const outcome = registerIdentityProvider(product, upstream).then(
    (answer) => `answered ${answer.status}`,
    (error: NodeJS.ErrnoException) => error.code,
  );
  await upstream.arrived;
  product.child.kill('SIGTERM');
  await product.waitForLog((line) => typeof line.msg === 'string' && line.msg.startsWith('shutting down'));
  product.child.kill('SIGTERM');

  expect(await product.exited).toBe(1);
  expect(await outcome).toBe('ECONNRESET');
  const forced = await product.waitForLog((line) => typeof line.msg === 'string' && line.msg.startsWith('shutdown forced'));
  expect(forced).toMatchObject({ reason: 'second SIGTERM', requestsCut: 1 });

  recordFinding({
    kind: 'fault',
    name: 'A second SIGTERM during shutdown',
    tried: 'SIGTERM twice while an admin request was held in flight',
    times: 1,
    result: 'the held request was cut (ECONNRESET), the process logged the forced shutdown and exited 1 without waiting for the grace period',
  });
});
