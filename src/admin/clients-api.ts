import { randomBytes, randomUUID } from 'node:crypto';

import type Router from '@koa/router';

import { BadRequestError, ConflictError, NotFoundError } from '../errors.ts';
import type { ClientMetadata, ClientRepository } from '../store/client-repository.ts';
import type { ProviderCache } from '../tenants/provider-cache.ts';
import type { TenantService } from '../tenants/tenant-service.ts';
import type { AdminState } from './admin-auth.ts';
import { parseBody } from './parse-body.ts';
import { type CreateClientBody, createClientBody } from './schemas.ts';

/** Bytes of randomness in a generated client secret. */
const CLIENT_SECRET_BYTES = 32;

/** `/admin/tenants/{t}/clients`: the tenant's relying parties. */
export function mountClientsApi(
  router: Router<AdminState>,
  tenants: TenantService,
  clients: ClientRepository,
  providers: ProviderCache,
): void {
  router.post('/tenants/:tenantId/clients', async (ctx) => {
    const tenant = await tenants.get(ctx.params.tenantId as string);
    const metadata = newClientMetadata(parseBody(ctx, createClientBody));
    // oidc-provider has the last word on metadata: the client must be one it will accept.
    const { provider } = await providers.get(tenant);
    try {
      await provider.Client.validate(metadata);
    } catch (error) {
      const { error_description: description, message } = error as { error_description?: string; message: string };
      throw new BadRequestError(`Invalid client metadata: ${description ?? message}.`);
    }
    if (!(await clients.create(tenant.id, metadata))) throw new ConflictError('A client with this id exists already; try again.');
    ctx.status = 201;
    ctx.set('Location', `/admin/tenants/${tenant.id}/clients/${metadata.client_id}`);
    ctx.body = metadata;
  });

  router.get('/tenants/:tenantId/clients', async (ctx) => {
    const tenant = await tenants.get(ctx.params.tenantId as string);
    ctx.body = { value: await clients.list(tenant.id) };
  });

  router.get('/tenants/:tenantId/clients/:clientId', async (ctx) => {
    const tenant = await tenants.get(ctx.params.tenantId as string);
    const client = await clients.find(tenant.id, ctx.params.clientId as string);
    if (!client) throw new NotFoundError(`Client '${ctx.params.clientId}' does not exist in tenant '${tenant.id}'.`);
    ctx.body = client;
  });

  router.delete('/tenants/:tenantId/clients/:clientId', async (ctx) => {
    const tenant = await tenants.get(ctx.params.tenantId as string);
    if (!(await clients.delete(tenant.id, ctx.params.clientId as string))) {
      throw new NotFoundError(`Client '${ctx.params.clientId}' does not exist in tenant '${tenant.id}'.`);
    }
    ctx.status = 204;
  });
}

/** The full metadata of a new client: a fresh id, a secret when it authenticates, derived response types. */
function newClientMetadata(body: CreateClientBody): ClientMetadata {
  const needsSecret = body.token_endpoint_auth_method !== 'none';
  return {
    client_id: randomUUID(),
    client_name: body.client_name,
    application_type: body.application_type,
    redirect_uris: body.redirect_uris,
    post_logout_redirect_uris: body.post_logout_redirect_uris,
    grant_types: [...new Set(body.grant_types)],
    response_types: body.grant_types.includes('authorization_code') ? ['code'] : [],
    token_endpoint_auth_method: body.token_endpoint_auth_method,
    ...(body.id_token_signed_response_alg ? { id_token_signed_response_alg: body.id_token_signed_response_alg } : {}),
    roles: [...new Set(body.roles)],
    ...(body.backchannel_logout_uri ? {
      backchannel_logout_uri: body.backchannel_logout_uri,
      backchannel_logout_session_required: body.backchannel_logout_session_required ?? false,
    } : {}),
    client_id_issued_at: Math.floor(Date.now() / 1000),
    ...(needsSecret ? { client_secret: randomBytes(CLIENT_SECRET_BYTES).toString('base64url') } : {}),
  };
}
