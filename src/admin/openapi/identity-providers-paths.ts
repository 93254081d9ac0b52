import { z } from 'zod';

import { identityProviderBody } from '../identity-providers-api.ts';
import { collectionOf, identityProviderSchema } from '../views.ts';
import { type AdminPaths, errorAnswers, jsonAnswer, jsonBody, noContent, tenantParameters, tenantRouteErrors } from './operation-parts.ts';

const providerParameters = tenantParameters.extend({
  id: z.string().meta({ description: 'Chosen by the administrator: a lower-case slug such as partner-idp or google' }),
});

/** identity-providers-api.ts */
export const identityProvidersPaths: AdminPaths = {
  '/admin/tenants/{tenantId}/identityProviders': {
    get: {
      operationId: 'listIdentityProviders',
      tags: ['identityProviders'],
      requestParams: { path: tenantParameters },
      responses: { 200: jsonAnswer(collectionOf(identityProviderSchema), 'The tenant\'s identity providers'), ...tenantRouteErrors },
    },
  },
  '/admin/tenants/{tenantId}/identityProviders/{id}': {
    get: {
      operationId: 'getIdentityProvider',
      tags: ['identityProviders'],
      requestParams: { path: providerParameters },
      responses: { 200: jsonAnswer(identityProviderSchema, 'The identity provider'), ...tenantRouteErrors },
    },
    put: {
      operationId: 'putIdentityProvider',
      tags: ['identityProviders'],
      summary: 'Create or replace an identity provider; its issuer\'s discovery document must load and name the same issuer',
      description: 'clientSecret is required for a new provider; left out on a replacement, the stored one stays. The type of an existing provider cannot change.',
      requestParams: { path: providerParameters },
      requestBody: jsonBody(identityProviderBody),
      responses: {
        200: jsonAnswer(identityProviderSchema, 'Replaced'),
        201: jsonAnswer(identityProviderSchema, 'Created'),
        ...errorAnswers(400, 401, 403, 404, 409, 413, 415),
      },
    },
    delete: {
      operationId: 'deleteIdentityProvider',
      tags: ['identityProviders'],
      requestParams: { path: providerParameters },
      responses: { 204: noContent, ...tenantRouteErrors },
    },
  },
};
