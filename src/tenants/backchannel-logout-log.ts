import type { KoaContextWithOIDC, Provider } from 'oidc-provider';
import type { Logger } from 'pino';

import { describeOutboundFailure } from '../outbound/outbound-failure.ts';
import type { Tenant } from './tenant.ts';

/**
 * oidc-provider sends back-channel logout tokens itself and reports each delivery as an event; a
 * failed one (the app down, a refused private address, an answer other than 200/204) never stops
 * the guest's sign-out, so the log is the only place it shows. The line names the tenant, the
 * client and why (classified, as for every outbound call), with the request id of the sign-out;
 * never the token, the account or the session id.
 */
export function logBackchannelLogout(provider: Provider, tenant: Tenant, log: Logger): void {
  provider.on('backchannel.success', (ctx: KoaContextWithOIDC, client: { clientId: string }) => {
    log.info({ requestId: requestIdOf(ctx), tenant: tenant.id, clientId: client.clientId }, 'back-channel logout delivered');
  });
  provider.on('backchannel.error', (ctx: KoaContextWithOIDC, error: unknown, client: { clientId: string; backchannelLogoutUri?: string }) => {
    const failure = describeOutboundFailure(error);
    // oidc-provider's message for a wrong status quotes the whole URI; its query may hold a key.
    if (client.backchannelLogoutUri) failure.detail = failure.detail.replaceAll(client.backchannelLogoutUri, withoutQuery(client.backchannelLogoutUri));
    log.warn({ requestId: requestIdOf(ctx), tenant: tenant.id, clientId: client.clientId, failure }, 'back-channel logout not delivered');
  });
}

function withoutQuery(uri: string): string {
  const url = URL.parse(uri);
  return url ? `${url.origin}${url.pathname}` : '[uri]';
}

/** Our app set X-Request-Id on the response before oidc-provider ran. */
function requestIdOf(ctx: KoaContextWithOIDC): string | undefined {
  return ctx.response.get('X-Request-Id') || undefined;
}
