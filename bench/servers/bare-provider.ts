import { once } from 'node:events';
import { createServer } from 'node:http';

import { Provider } from 'oidc-provider';

/**
 * The baseline: oidc-provider as its README starts it, one issuer, its own in-memory adapter, the
 * same grants and endpoints switched on as ours. Prints its address and client once listening.
 */
const server = createServer();
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const { port } = server.address() as { port: number };
const issuer = `http://127.0.0.1:${port}`;

const client = { client_id: 'bench-service', client_secret: 'bench-service-secret-0123456789abcdef' };
const provider = new Provider(issuer, {
  clients: [{ ...client, grant_types: ['client_credentials'], redirect_uris: [], response_types: [] }],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
  },
  cookies: { keys: ['bench-cookie-key'] },
});
server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer, clientId: client.client_id, clientSecret: client.client_secret })}\n`);
process.once('SIGTERM', () => process.exit(0));
