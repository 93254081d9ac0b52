import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Logger } from 'pino';

import type { AuditLog } from '../activity/audit-log.ts';
import type { SignInLog } from '../activity/sign-in-log.ts';
import type { Config } from '../config.ts';
import { NotFoundError, TooManyRequestsError } from '../errors.ts';
import type { UpstreamConnector } from '../federation/upstream-connector.ts';
import type { Guests } from '../guests/guests.ts';
import type { IdentityProviderRepository } from '../store/identity-provider-repository.ts';
import type { Invitations } from '../guests/invitations.ts';
import { ADMIN_BODY_LIMIT } from '../limits.ts';
import type { Metrics } from '../ops/metrics.ts';
import type { BrandingRepository } from '../store/branding-repository.ts';
import type { ClientRepository } from '../store/client-repository.ts';
import type { ProviderCache } from '../tenants/provider-cache.ts';
import type { TenantService } from '../tenants/tenant-service.ts';
import { type AdminState, requireAdmin, requireTenantAccess } from './admin-auth.ts';
import { adminErrors } from './admin-errors.ts';
import { mountActivityLogsApi } from './activity-logs-api.ts';
import { auditAdminChanges } from './audited-changes.ts';
import { leaveSquareLogoBodyUnparsed, mountBrandingApi } from './branding-api.ts';
import { mountClientsApi } from './clients-api.ts';
import { mountIdentityProvidersApi } from './identity-providers-api.ts';
import { mountInvitationsApi } from './invitations-api.ts';
import { mountOpenApiDocument } from './openapi/openapi-route.ts';
import { mountPoliciesApi } from './policies-api.ts';
import { mountGuestMfaApi } from './guest-mfa-api.ts';
import type { AuthenticationMethodRepository } from '../store/authentication-method-repository.ts';
import type { TenantAdminTokens } from './tenant-admin-tokens.ts';
import { SkipTokens } from './skip-token.ts';
import { mountUsersApi } from './users-api.ts';
import { mountTenantsApi } from './tenants-api.ts';

export interface AdminApiDependencies {
  config: Config;
  log: Logger;
  tenants: TenantService;
  clients: ClientRepository;
  providers: ProviderCache;
  invitations: Invitations;
  guests: Guests;
  tenantAdmins: TenantAdminTokens;
  identityProviders: IdentityProviderRepository;
  connector: UpstreamConnector;
  branding: BrandingRepository;
  signInLog: SignInLog;
  auditLog: AuditLog;
  metrics: Metrics;
  /** Users' second factors (src/mfa). */
  authenticationMethods: AuthenticationMethodRepository;
}

/** The admin API under /admin: JSON in and out, bearer-token guarded, Graph-shaped errors. */
export function adminRoutes(dependencies: AdminApiDependencies): Router<AdminState> {
  const { config, log, tenants, clients, providers, invitations, guests, tenantAdmins, identityProviders, connector, branding, signInLog, auditLog, metrics } = dependencies;
  const skipTokens = new SkipTokens(config.keyEncryptionKey);
  const router = new Router<AdminState>({ prefix: '/admin' });
  router.use(adminErrors(log));
  // Before the token check: the document is public (it describes the API, it holds no data).
  mountOpenApiDocument(router, config.baseUrl);
  router.use(requireAdmin(config.adminToken, tenantAdmins));
  // The only limit the admin API has: invitation mails per recipient.
  router.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (error instanceof TooManyRequestsError) metrics.rateLimitRefusals.inc({ limit: 'invitation_mails' });
      throw error;
    }
  });
  // Every change, by whom, in its tenant's audit log.
  router.use(auditAdminChanges(auditLog, tenants));
  router.use(leaveSquareLogoBodyUnparsed);
  router.use(bodyParser({ enableTypes: ['json'], jsonLimit: ADMIN_BODY_LIMIT, jsonStrict: true }));
  // Every route under /admin/tenants/{t}: a tenant administrator reaches its own tenant only.
  router.param('tenantId', (tenantId, ctx, next) => {
    requireTenantAccess(ctx.state.principal, tenantId);
    return next();
  });

  mountTenantsApi(router, tenants, config);
  mountClientsApi(router, tenants, clients, providers);
  mountInvitationsApi(router, tenants, invitations);
  mountUsersApi(router, tenants, guests, config.baseUrl, skipTokens);
  mountPoliciesApi(router, tenants, config.emailOtpDefault);
  mountGuestMfaApi(router, tenants, guests, dependencies.authenticationMethods);
  mountIdentityProvidersApi(router, tenants, identityProviders, connector, log);
  mountBrandingApi(router, tenants, branding, config.baseUrl);
  mountActivityLogsApi(router, tenants, { signIns: signInLog, audits: auditLog }, config.baseUrl, skipTokens);

  router.all('/{*rest}', () => {
    throw new NotFoundError('No such admin API resource.');
  });
  return router;
}
