import type { Context } from 'koa';
import type { CustomFetch } from 'openid-client';

/**
 * How the console (a client of its own tenant's issuer) reaches that issuer's back channel:
 * discovery, JWKS and the token endpoint. The issuer is BASE_URL's, which may be a public origin
 * behind a proxy that this process cannot (or should not) go out and back in through. So every
 * request to BASE_URL goes to this very process instead, over the connection's own local address:
 * the address and port the browser's request arrived on (through any proxy), which this server is
 * certainly listening on. Only the origin changes: the provider builds every URL it publishes from
 * BASE_URL, not from the request (tenants/mount-provider.ts), so it answers as its public issuer.
 * Anything not under BASE_URL is refused: the console talks to nothing else.
 */
export function loopbackFetch(ctx: Context, baseUrl: string): CustomFetch {
  const { localAddress, localPort } = ctx.req.socket;
  if (!localAddress || !localPort) throw new Error('the console needs the local address of the request to reach its own issuer');
  const host = localAddress.includes(':') ? `[${localAddress}]` : localAddress;
  const loopback = `http://${host}:${localPort}`;
  const base = new URL(baseUrl);
  return (url, options) => {
    const target = new URL(url);
    if (target.origin !== base.origin) throw new Error(`the console calls only its own issuer, not ${target.origin}`);
    return fetch(`${loopback}${target.pathname}${target.search}`, options as RequestInit);
  };
}
