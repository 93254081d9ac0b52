import { once } from 'node:events';
import { createServer, request } from 'node:http';

/**
 * The smallest load balancer: every request goes to the next upstream in turn, whatever
 * connection it came on, so consecutive requests of one guest land on different processes.
 * It listens first (its address is the deployment's BASE_URL); the upstreams are set once the
 * processes behind it have started.
 */
export interface RoundRobinProxy {
  url: string;
  /** The upstream origins, in turn order. */
  upstreams: string[];
  /** Every request forwarded so far: which upstream served it. */
  routed: Array<{ method: string; path: string; upstream: string; status: number }>;
  close(): Promise<void>;
}

export async function startRoundRobinProxy(): Promise<RoundRobinProxy> {
  let next = 0;
  const proxy: RoundRobinProxy = { url: '', upstreams: [], routed: [], close: async () => undefined };

  const server = createServer((incoming, outgoing) => {
    if (proxy.upstreams.length === 0) {
      outgoing.writeHead(502).end('no upstream yet');
      return;
    }
    const upstream = proxy.upstreams[next++ % proxy.upstreams.length] as string;
    const forwarded = request(`${upstream}${incoming.url}`, { method: incoming.method, headers: incoming.headers, agent: false }, (answer) => {
      proxy.routed.push({ method: incoming.method ?? 'GET', path: incoming.url ?? '/', upstream, status: answer.statusCode ?? 0 });
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    forwarded.on('error', (error) => {
      proxy.routed.push({ method: incoming.method ?? 'GET', path: incoming.url ?? '/', upstream, status: 502 });
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.end(`upstream ${upstream} failed: ${error.message}`);
    });
    incoming.pipe(forwarded);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  proxy.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  proxy.close = async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  };
  return proxy;
}
