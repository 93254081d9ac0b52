import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Logger } from 'pino';

import type { Config } from '../config.ts';
import { NotFoundError } from '../errors.ts';
import type { Invitations } from '../guests/invitations.ts';
import { ADMIN_BODY_LIMIT } from '../limits.ts';
import type { ClientRepository } from '../store/client-repository.ts';
import type { ProviderCache } from '../tenants/provider-cache.ts';
import type { TenantService } from '../tenants/tenant-service.ts';
import { type AdminState, requireAdmin } from './admin-auth.ts';
import { adminErrors } from './admin-errors.ts';
import { mountClientsApi } from './clients-api.ts';
import { mountInvitationsApi } from './invitations-api.ts';
import { mountTenantsApi } from './tenants-api.ts';

export interface AdminApiDependencies {
  config: Config;
  log: Logger;
  tenants: TenantService;
  clients: ClientRepository;
  providers: ProviderCache;
  invitations: Invitations;
}

/** The admin API under /admin: JSON in and out, bearer-token guarded, Graph-shaped errors. */
export function adminRoutes({ config, log, tenants, clients, providers, invitations }: AdminApiDependencies): Router<AdminState> {
  const router = new Router<AdminState>({ prefix: '/admin' });
  router.use(adminErrors(log));
  router.use(requireAdmin(config.adminToken));
  router.use(bodyParser({ enableTypes: ['json'], jsonLimit: ADMIN_BODY_LIMIT, jsonStrict: true }));

  mountTenantsApi(router, tenants, config);
  mountClientsApi(router, tenants, clients, providers);
  mountInvitationsApi(router, tenants, invitations);

  router.all('/{*rest}', () => {
    throw new NotFoundError('No such admin API resource.');
  });
  return router;
}
