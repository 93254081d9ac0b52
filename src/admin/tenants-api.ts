import type Router from '@koa/router';

import type { Config } from '../config.ts';
import { describeSigningKey } from '../tenants/signing-keys.ts';
import type { TenantService } from '../tenants/tenant-service.ts';
import { type AdminState, requireDeploymentAdmin } from './admin-auth.ts';
import { parseBody } from './parse-body.ts';
import { createTenantBody, updateTenantBody } from './schemas.ts';
import { tenantView } from './views.ts';

/** `/admin/tenants` and the tenant's signing keys. */
export function mountTenantsApi(router: Router<AdminState>, tenants: TenantService, config: Config): void {
  router.post('/tenants', async (ctx) => {
    requireDeploymentAdmin(ctx.state.principal);
    const tenant = await tenants.create(parseBody(ctx, createTenantBody));
    ctx.status = 201;
    ctx.set('Location', `/admin/tenants/${tenant.id}`);
    ctx.body = tenantView(tenant, config.baseUrl);
  });

  router.get('/tenants', async (ctx) => {
    requireDeploymentAdmin(ctx.state.principal);
    ctx.body = { value: (await tenants.list()).map((tenant) => tenantView(tenant, config.baseUrl)) };
  });

  router.get('/tenants/:tenantId', async (ctx) => {
    ctx.body = tenantView(await tenants.get(ctx.params.tenantId as string), config.baseUrl);
  });

  router.patch('/tenants/:tenantId', async (ctx) => {
    const changes = parseBody(ctx, updateTenantBody);
    ctx.body = tenantView(await tenants.update(ctx.params.tenantId as string, changes), config.baseUrl);
  });

  router.delete('/tenants/:tenantId', async (ctx) => {
    requireDeploymentAdmin(ctx.state.principal);
    await tenants.delete(ctx.params.tenantId as string);
    ctx.status = 204;
  });

  router.get('/tenants/:tenantId/signingKeys', async (ctx) => {
    const tenant = await tenants.get(ctx.params.tenantId as string);
    ctx.body = { value: (await tenants.signingKeys(tenant.id)).map(describeSigningKey) };
  });

  router.post('/tenants/:tenantId/signingKeys/rotate', async (ctx) => {
    ctx.body = { value: (await tenants.rotateSigningKeys(ctx.params.tenantId as string)).map(describeSigningKey) };
  });
}
