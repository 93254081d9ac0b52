import { z } from 'zod';

import { createClientBody } from '../schemas.ts';
import { clientSchema, collectionOf, createdClientSchema } from '../views.ts';
import { type AdminPaths, errorAnswers, jsonAnswer, jsonBody, noContent, tenantParameters, tenantRouteErrors } from './operation-parts.ts';

const clientParameters = tenantParameters.extend({ clientId: z.string().meta({ description: 'The client_id' }) });

/** clients-api.ts */
export const clientsPaths: AdminPaths = {
  '/admin/tenants/{tenantId}/clients': {
    post: {
      operationId: 'createClient',
      tags: ['clients'],
      summary: 'Register a relying party; its secret is shown in this answer only',
      requestParams: { path: tenantParameters },
      requestBody: jsonBody(createClientBody),
      responses: {
        201: jsonAnswer(createdClientSchema, 'Created; Location names it'),
        ...errorAnswers(400, 401, 403, 404, 409, 413, 415),
      },
    },
    get: {
      operationId: 'listClients',
      tags: ['clients'],
      requestParams: { path: tenantParameters },
      responses: { 200: jsonAnswer(collectionOf(clientSchema), 'The tenant\'s clients, without secrets'), ...tenantRouteErrors },
    },
  },
  '/admin/tenants/{tenantId}/clients/{clientId}': {
    get: {
      operationId: 'getClient',
      tags: ['clients'],
      requestParams: { path: clientParameters },
      responses: { 200: jsonAnswer(clientSchema, 'The client, without its secret'), ...tenantRouteErrors },
    },
    delete: {
      operationId: 'deleteClient',
      tags: ['clients'],
      requestParams: { path: clientParameters },
      responses: { 204: noContent, ...tenantRouteErrors },
    },
  },
};
