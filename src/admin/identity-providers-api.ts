import type Router from '@koa/router';
import type { Logger } from 'pino';
import { z } from 'zod';

import { BadRequestError, ConflictError, NotFoundError } from '../errors.ts';
import { GOOGLE_DOMAINS, type IdentityProvider, identityProviderRecord, isAcceptableIssuer } from '../federation/identity-provider.ts';
import { checkIssuer } from '../federation/issuer-check.ts';
import type { UpstreamConnector } from '../federation/upstream-connector.ts';
import type { IdentityProviderRepository } from '../store/identity-provider-repository.ts';
import { isValidDomain, isValidTenantId } from '../tenants/tenant.ts';
import type { TenantService } from '../tenants/tenant-service.ts';
import type { AdminState } from './admin-auth.ts';
import { parseBody } from './parse-body.ts';
import { displayName } from './schemas.ts';
import type { IdentityProviderView } from './views.ts';


/**
 * The one answer to every failed issuer check, whatever the cause (no answer, an address the
 * server does not call for tenants, a bad document, another issuer): telling them apart would let
 * a tenant administrator use this endpoint to scan ports and networks. The log has the cause.
 */
function issuerUnusable(issuer: string): BadRequestError {
  return new BadRequestError(`Invalid identity provider: issuer: could not use ${issuer}/.well-known/openid-configuration. `
    + 'Check that the issuer URL is right, that it is reachable from the internet, and that its discovery document names exactly this issuer.');
}

export const identityProviderBody = z.strictObject({
  type: z.enum(['google', 'oidc']),
  displayName: displayName.optional(),
  issuer: z.string().max(2048).refine(isAcceptableIssuer, { message: 'must be an https URL (http only on localhost) without query or fragment' }).optional(),
  clientId: z.string().trim().min(1).max(512),
  clientSecret: z.string().min(1).max(4096).optional(),
  domains: z.array(z.string().transform((domain) => domain.trim().toLowerCase()).refine(isValidDomain, { message: 'must be a DNS domain name such as partner.com' })).max(100).optional(),
}).superRefine((body, issues) => {
  if (body.type === 'oidc' && !body.issuer) issues.addIssue({ code: 'custom', path: ['issuer'], message: 'is required for an oidc identity provider' });
  if (body.type === 'oidc' && (body.domains ?? []).length === 0) issues.addIssue({ code: 'custom', path: ['domains'], message: 'an oidc identity provider claims at least one domain' });
  if (body.type === 'google' && body.domains?.some((domain) => !(GOOGLE_DOMAINS as readonly string[]).includes(domain))) {
    issues.addIssue({ code: 'custom', path: ['domains'], message: `Google federation is for ${GOOGLE_DOMAINS.join(' and ')}` });
  }
  if (new Set(body.domains).size !== (body.domains ?? []).length) issues.addIssue({ code: 'custom', path: ['domains'], message: 'lists a domain twice' });
});

function view(provider: IdentityProvider): IdentityProviderView {
  const { id, type, displayName, issuer, clientId, domains, createdDateTime } = provider;
  return { id, type, displayName, issuer, clientId, domains, createdDateTime };
}

/**
 * `/admin/tenants/{t}/identityProviders/{id}`: direct federation (type `oidc`) and Google. A write
 * is checked against the provider itself (its discovery document must load and name the same
 * issuer) before anything is stored; secrets are sealed and never returned.
 */
export function mountIdentityProvidersApi(
  router: Router<AdminState>,
  tenants: TenantService,
  identityProviders: IdentityProviderRepository,
  connector: UpstreamConnector,
  log: Logger,
): void {
  router.get('/tenants/:tenantId/identityProviders', async (ctx) => {
    const tenant = await tenants.get(ctx.params.tenantId as string);
    ctx.body = { value: (await identityProviders.list(tenant.id)).map(view) };
  });

  router.get('/tenants/:tenantId/identityProviders/:id', async (ctx) => {
    const tenant = await tenants.get(ctx.params.tenantId as string);
    const provider = await identityProviders.find(tenant.id, ctx.params.id as string);
    if (!provider) throw new NotFoundError(`Identity provider '${ctx.params.id}' does not exist in tenant '${tenant.id}'.`);
    ctx.body = view(provider);
  });

  router.put('/tenants/:tenantId/identityProviders/:id', async (ctx) => {
    const tenant = await tenants.get(ctx.params.tenantId as string);
    const id = ctx.params.id as string;
    if (!isValidTenantId(id)) throw new BadRequestError('The identity provider id must be a lower-case slug, like partner-idp or google.');
    const body = parseBody(ctx, identityProviderBody);
    const existing = await identityProviders.find(tenant.id, id);
    if (existing && existing.type !== body.type) throw new ConflictError(`Identity provider '${id}' is of type ${existing.type}; delete it to change its type.`);
    if (!existing && body.clientSecret === undefined) throw new BadRequestError('Invalid request body: clientSecret: is required for a new identity provider.');

    const provider = identityProviderRecord(id, body, existing);
    const { issuer } = provider;
    const check = await checkIssuer(connector, issuer, body.clientId, body.clientSecret);
    if (!check.usable) {
      // The request id is set for every request by the request log (ops/request-log.ts).
      const { requestId } = ctx.state as { requestId?: string };
      log.warn({ requestId, tenant: tenant.id, identityProvider: id, issuer, failure: check.failure }, 'identity provider issuer check failed');
      throw issuerUnusable(issuer);
    }

    const conflict = await identityProviders.save(tenant.id, provider, body.clientSecret);
    if (conflict) throw new ConflictError(`The domain '${conflict.domain}' is already claimed by another identity provider of this tenant.`);
    ctx.status = existing ? 200 : 201;
    ctx.body = view(provider);
  });

  router.delete('/tenants/:tenantId/identityProviders/:id', async (ctx) => {
    const tenant = await tenants.get(ctx.params.tenantId as string);
    if (!(await identityProviders.delete(tenant.id, ctx.params.id as string))) {
      throw new NotFoundError(`Identity provider '${ctx.params.id}' does not exist in tenant '${tenant.id}'.`);
    }
    ctx.status = 204;
  });
}
