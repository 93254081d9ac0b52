import { once } from 'node:events';
import { createServer } from 'node:http';

import type { Context } from 'koa';

import { loopbackFetch } from '../../src/console/loopback-fetch.ts';

/**
 * The console reaches its own issuer (BASE_URL, maybe a public origin behind a proxy) at the local
 * address the browser's request came in on, path unchanged; and nothing else.
 */
test('a request to BASE_URL goes to the local address of the request, with its path and query', async () => {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(req.url ?? '');
    res.end('ok');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const ctx = { req: { socket: { localAddress: '127.0.0.1', localPort: port } } } as unknown as Context;
  try {
    const fetchOwnIssuer = loopbackFetch(ctx, 'https://id.example.com');
    const response = await fetchOwnIssuer('https://id.example.com/contoso/v2.0/token?x=1', { method: 'POST', body: 'a=b', headers: {}, redirect: 'manual' } as never);
    expect(await response.text()).toBe('ok');
    expect(seen).toEqual(['/contoso/v2.0/token?x=1']);
    expect(() => fetchOwnIssuer('https://elsewhere.example/contoso/v2.0/token', {} as never)).toThrow('only its own issuer');
  } finally {
    server.close();
  }
});
