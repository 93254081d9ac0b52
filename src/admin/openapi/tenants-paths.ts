import { createTenantBody, updateTenantBody } from '../schemas.ts';
import { collectionOf, signingKeySchema, tenantSchema } from '../views.ts';
import {
  type AdminPaths, errorAnswers, jsonAnswer, jsonBody, noContent, tenantParameters, tenantRouteErrors, tenantWriteErrors,
} from './operation-parts.ts';

const signingKeys = jsonAnswer(collectionOf(signingKeySchema), 'The tenant\'s signing keys: current, next, and retired ones still published');

/** tenants-api.ts */
export const tenantsPaths: AdminPaths = {
  '/admin/tenants': {
    post: {
      operationId: 'createTenant',
      tags: ['tenants'],
      summary: 'Create a tenant (deployment administrator only)',
      requestBody: jsonBody(createTenantBody),
      responses: {
        201: jsonAnswer(tenantSchema, 'Created; Location names it'),
        ...errorAnswers(400, 401, 403, 409, 413, 415),
      },
    },
    get: {
      operationId: 'listTenants',
      tags: ['tenants'],
      summary: 'List the tenants (deployment administrator only)',
      responses: { 200: jsonAnswer(collectionOf(tenantSchema), 'Every tenant'), ...errorAnswers(401, 403) },
    },
  },
  '/admin/tenants/{tenantId}': {
    get: {
      operationId: 'getTenant',
      tags: ['tenants'],
      requestParams: { path: tenantParameters },
      responses: { 200: jsonAnswer(tenantSchema, 'The tenant'), ...tenantRouteErrors },
    },
    patch: {
      operationId: 'updateTenant',
      tags: ['tenants'],
      summary: 'Change a tenant; fields not given stay',
      requestParams: { path: tenantParameters },
      requestBody: jsonBody(updateTenantBody),
      responses: { 200: jsonAnswer(tenantSchema, 'The changed tenant'), ...tenantWriteErrors },
    },
    delete: {
      operationId: 'deleteTenant',
      tags: ['tenants'],
      summary: 'Delete a tenant and everything in it (deployment administrator only)',
      requestParams: { path: tenantParameters },
      responses: { 204: noContent, ...tenantRouteErrors },
    },
  },
  '/admin/tenants/{tenantId}/signingKeys': {
    get: {
      operationId: 'listSigningKeys',
      tags: ['tenants'],
      requestParams: { path: tenantParameters },
      responses: { 200: signingKeys, ...tenantRouteErrors },
    },
  },
  '/admin/tenants/{tenantId}/signingKeys/rotate': {
    post: {
      operationId: 'rotateSigningKeys',
      tags: ['tenants'],
      summary: 'Rotate: next becomes current, current is retired (still published for a while), a new next is made',
      requestParams: { path: tenantParameters },
      responses: { 200: signingKeys, ...tenantRouteErrors },
    },
  },
};
