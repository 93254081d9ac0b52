import { once } from 'node:events';
import { createServer, type Server } from 'node:http';

/**
 * What a command-line or desktop app does for RFC 8252 7.3: it registered
 * `http://127.0.0.1/callback`, listens on a port the system picks when it starts, sends that port
 * in its redirect_uri, and waits for the browser to bring the authorization response to it.
 */
export class LoopbackRedirect {
  readonly redirectUri: string;
  /** The URL of the first request the app received (the authorization response). */
  readonly response: Promise<URL>;
  readonly #server: Server;

  private constructor(server: Server, redirectUri: string) {
    this.#server = server;
    this.redirectUri = redirectUri;
    this.response = new Promise((resolve) => {
      server.once('request', (req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('Signed in. You can close this window.');
        resolve(new URL(req.url ?? '/', redirectUri));
      });
    });
  }

  /** Listens on an ephemeral port of 127.0.0.1, as an app does each time it runs. */
  static async listen(path = '/callback'): Promise<LoopbackRedirect> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    return new LoopbackRedirect(server, `http://127.0.0.1:${port}${path}`);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }
}
