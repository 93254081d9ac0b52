import { z } from 'zod';

import { authenticationMethodListSchema, authenticationMethodSchema, guestMfaPolicyBody, guestMfaPolicySchema } from '../guest-mfa-api.ts';
import { type AdminPaths, jsonAnswer, jsonBody, noContent, tenantParameters, tenantRouteErrors, tenantWriteErrors } from './operation-parts.ts';

const userParameters = tenantParameters.extend({ userId: z.string().meta({ description: 'The user\'s id' }) });
const methodParameters = userParameters.extend({ methodId: z.string().meta({ description: 'The method\'s id' }) });

/** guest-mfa-api.ts */
export const guestMfaPaths: AdminPaths = {
  '/admin/tenants/{tenantId}/policies/guestMfa': {
    get: {
      operationId: 'getGuestMfaPolicy',
      tags: ['policies'],
      requestParams: { path: tenantParameters },
      responses: { 200: jsonAnswer(guestMfaPolicySchema, 'When guests give a second factor'), ...tenantRouteErrors },
    },
    patch: {
      operationId: 'updateGuestMfaPolicy',
      tags: ['policies'],
      summary: 'Turn the second factor for guests on or off, choose its methods, and whom it applies to (appliesTo is replaced as a whole)',
      requestParams: { path: tenantParameters },
      requestBody: jsonBody(guestMfaPolicyBody),
      responses: { 200: jsonAnswer(guestMfaPolicySchema, 'The policy now'), ...tenantWriteErrors },
    },
  },
  '/admin/tenants/{tenantId}/users/{userId}/authenticationMethods': {
    get: {
      operationId: 'listAuthenticationMethods',
      tags: ['users'],
      summary: 'A user\'s enrolled second factors and recovery codes',
      requestParams: { path: userParameters },
      responses: { 200: jsonAnswer(authenticationMethodListSchema, 'The methods, oldest first'), ...tenantRouteErrors },
    },
  },
  '/admin/tenants/{tenantId}/users/{userId}/authenticationMethods/{methodId}': {
    get: {
      operationId: 'getAuthenticationMethod',
      tags: ['users'],
      requestParams: { path: methodParameters },
      responses: { 200: jsonAnswer(authenticationMethodSchema, 'The method'), ...tenantRouteErrors },
    },
    delete: {
      operationId: 'deleteAuthenticationMethod',
      tags: ['users'],
      summary: 'Delete a second factor: the guest enrols again at their next sign-in that needs one',
      requestParams: { path: methodParameters },
      responses: { 204: noContent, ...tenantWriteErrors },
    },
  },
};
