import { once } from 'node:events';
import { join } from 'node:path';

import Koa from 'koa';

import { ConcurrentChangeError } from '../../src/errors.ts';
import { renderSignInProblems } from '../../src/interaction/sign-in-problem.ts';
import { Pages } from '../../src/web/pages.ts';

/**
 * A guest whose record an administrator changes while they sign in (reset redemption racing the
 * sign-in's compare-and-set) gets a page that says so, not the generic 500.
 */
test('a sign-in that lost to a concurrent change of the guest gets a 409 page saying to start again', async () => {
  const app = new Koa();
  app.use(async (ctx, next) => {
    ctx.state.tenant = { displayName: 'Contoso' };
    await next();
  });
  app.use(renderSignInProblems(new Pages(join(import.meta.dirname, '..', '..', 'interactions'))) as Koa.Middleware);
  app.use(() => {
    throw new ConcurrentChangeError("User 'u1' of tenant 'contoso'");
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as { port: number };
    const response = await fetch(`http://127.0.0.1:${port}/`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(409);
    const html = await response.text();
    expect(html).toContain('Your access changed while you were signing in');
    expect(html).toContain('start again');
  } finally {
    server.close();
  }
});
