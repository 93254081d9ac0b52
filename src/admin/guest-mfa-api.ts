import type Router from '@koa/router';
import { z } from 'zod';

import { NotFoundError } from '../errors.ts';
import type { Guests } from '../guests/guests.ts';
import { SECOND_FACTOR_KINDS, type AuthenticationMethod } from '../mfa/authentication-method.ts';
import { GUEST_MFA_POLICY_STATES, GUEST_MFA_SOURCES, guestMfaPolicyOf } from '../mfa/guest-mfa-policy.ts';
import { remainingCodes } from '../mfa/recovery-codes.ts';
import type { AuthenticationMethodRepository } from '../store/authentication-method-repository.ts';
import type { TenantService } from '../tenants/tenant-service.ts';
import type { AdminState } from './admin-auth.ts';
import { parseBody } from './parse-body.ts';

/** A PATCH names what changes; `appliesTo` is replaced as a whole (an empty object: every guest, every app). */
export const guestMfaPolicyBody = z.strictObject({
  state: z.enum(GUEST_MFA_POLICY_STATES).optional(),
  methods: z.array(z.enum(SECOND_FACTOR_KINDS)).min(1).refine((methods) => new Set(methods).size === methods.length, { message: 'must name each method once' }).optional(),
  appliesTo: z.strictObject({
    sources: z.array(z.enum(GUEST_MFA_SOURCES)).min(1).optional(),
    clientIds: z.array(z.string().min(1).max(200)).min(1).max(100).optional(),
  }).optional(),
}).refine((body) => Object.keys(body).length > 0, { message: 'give state, methods, appliesTo or several' });

export const guestMfaPolicySchema = z.object({
  state: z.enum(GUEST_MFA_POLICY_STATES),
  methods: z.array(z.enum(SECOND_FACTOR_KINDS)).meta({ description: 'The second factors guests may enrol and use' }),
  appliesTo: z.object({
    sources: z.array(z.enum(GUEST_MFA_SOURCES)).optional().meta({ description: 'Only guests who redeemed with one of these; every guest without it' }),
    clientIds: z.array(z.string()).optional().meta({ description: 'Only sign-ins to these apps; every app without it' }),
  }),
}).meta({ id: 'GuestMfaPolicy', description: 'A second factor for guests; an app may also ask for one with acr_values=mfa' });

export const authenticationMethodSchema = z.object({
  id: z.string(),
  type: z.enum([...SECOND_FACTOR_KINDS, 'recoveryCodes']),
  createdDateTime: z.string(),
  displayName: z.string().optional(),
  lastUsedDateTime: z.string().optional(),
  remaining: z.number().int().optional().meta({ description: 'Recovery codes not used yet' }),
}).meta({ id: 'AuthenticationMethod', description: 'An enrolled second factor of a user' });

export const authenticationMethodListSchema = z.object({ value: z.array(authenticationMethodSchema) }).meta({ id: 'AuthenticationMethodList' });

type AuthenticationMethodView = z.infer<typeof authenticationMethodSchema>;

function methodView(method: AuthenticationMethod): AuthenticationMethodView {
  return {
    id: method.id,
    type: method.type,
    createdDateTime: method.createdDateTime,
    ...(method.displayName ? { displayName: method.displayName } : {}),
    ...(method.lastUsedDateTime ? { lastUsedDateTime: method.lastUsedDateTime } : {}),
    ...(method.type === 'recoveryCodes' ? { remaining: remainingCodes(method) } : {}),
  };
}

/**
 * `/admin/tenants/{t}/policies/guestMfa`: when guests give a second factor.
 * `/admin/tenants/{t}/users/{id}/authenticationMethods[/{methodId}]`: a user's enrolled second
 * factors; deleting one makes the guest enrol again at their next sign-in that needs one.
 */
export function mountGuestMfaApi(router: Router<AdminState>, tenants: TenantService, guests: Guests, methods: AuthenticationMethodRepository): void {
  router.get('/tenants/:tenantId/policies/guestMfa', async (ctx) => {
    ctx.body = guestMfaPolicyOf(await tenants.get(ctx.params.tenantId as string));
  });

  router.patch('/tenants/:tenantId/policies/guestMfa', async (ctx) => {
    const changes = parseBody(ctx, guestMfaPolicyBody);
    const current = guestMfaPolicyOf(await tenants.get(ctx.params.tenantId as string));
    const next = {
      state: changes.state ?? current.state,
      methods: changes.methods ?? current.methods,
      appliesTo: changes.appliesTo ?? current.appliesTo,
    };
    ctx.body = guestMfaPolicyOf(await tenants.update(ctx.params.tenantId as string, { guestMfaPolicy: next }));
  });

  router.get('/tenants/:tenantId/users/:userId/authenticationMethods', async (ctx) => {
    const tenant = await tenants.get(ctx.params.tenantId as string);
    const user = await guests.get(tenant.id, ctx.params.userId as string);
    ctx.body = { value: (await methods.list(tenant.id, user.id)).map(methodView) };
  });

  router.get('/tenants/:tenantId/users/:userId/authenticationMethods/:methodId', async (ctx) => {
    const tenant = await tenants.get(ctx.params.tenantId as string);
    const user = await guests.get(tenant.id, ctx.params.userId as string);
    const method = await methods.find(tenant.id, user.id, ctx.params.methodId as string);
    if (!method) throw new NotFoundError(`User '${user.id}' has no authentication method '${ctx.params.methodId}'.`);
    ctx.body = methodView(method);
  });

  router.delete('/tenants/:tenantId/users/:userId/authenticationMethods/:methodId', async (ctx) => {
    const tenant = await tenants.get(ctx.params.tenantId as string);
    const user = await guests.get(tenant.id, ctx.params.userId as string);
    if (!(await methods.delete(tenant.id, user.id, ctx.params.methodId as string))) {
      throw new NotFoundError(`User '${user.id}' has no authentication method '${ctx.params.methodId}'.`);
    }
    ctx.status = 204;
  });
}
