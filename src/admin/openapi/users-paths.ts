import { z } from 'zod';

import { updateUserBody } from '../schemas.ts';
import { createMemberBody } from '../users-api.ts';
import { collectionOf, userSchema } from '../views.ts';
import { type AdminPaths, errorAnswers, jsonAnswer, jsonBody, noContent, tenantParameters, tenantRouteErrors } from './operation-parts.ts';

const userParameters = tenantParameters.extend({ userId: z.string().meta({ description: 'The user\'s id' }) });

const listQuery = z.object({
  $filter: z.string().optional().meta({
    description: 'field eq \'value\' clauses joined by and, on mail, userType, externalUserState and source',
    example: 'userType eq \'Guest\' and externalUserState eq \'PendingAcceptance\'',
  }),
  $top: z.string().regex(/^[0-9]+$/).optional().meta({ description: 'Page size, 1 to 999 (default 100)' }),
  $skiptoken: z.string().optional().meta({ description: 'From @odata.nextLink; follow that link rather than building one' }),
});

/** users-api.ts */
export const usersPaths: AdminPaths = {
  '/admin/tenants/{tenantId}/users': {
    get: {
      operationId: 'listUsers',
      tags: ['users'],
      summary: 'List the tenant\'s guests and members, a page at a time',
      requestParams: { path: tenantParameters, query: listQuery },
      responses: { 200: jsonAnswer(collectionOf(userSchema), 'A page of users'), ...errorAnswers(400, 401, 403, 404) },
    },
    post: {
      operationId: 'createMember',
      tags: ['users'],
      summary: 'Add a member: one of the tenant\'s own people',
      requestParams: { path: tenantParameters },
      requestBody: jsonBody(createMemberBody),
      responses: {
        201: jsonAnswer(userSchema, 'Created; Location names it'),
        ...errorAnswers(400, 401, 403, 404, 409, 413, 415),
      },
    },
  },
  '/admin/tenants/{tenantId}/users/{userId}': {
    get: {
      operationId: 'getUser',
      tags: ['users'],
      requestParams: { path: userParameters },
      responses: { 200: jsonAnswer(userSchema, 'The user'), ...tenantRouteErrors },
    },
    patch: {
      operationId: 'updateUser',
      tags: ['users'],
      summary: 'Change a user: display name, a member\'s roles, accountEnabled (false blocks sign-in and ends their sessions and tokens)',
      requestParams: { path: userParameters },
      requestBody: jsonBody(updateUserBody),
      responses: { 200: jsonAnswer(userSchema, 'The user as changed'), ...errorAnswers(400, 401, 403, 404, 409, 413, 415) },
    },
    delete: {
      operationId: 'deleteUser',
      tags: ['users'],
      summary: 'Delete a user; a guest invited again starts afresh',
      requestParams: { path: userParameters },
      responses: { 204: noContent, ...tenantRouteErrors },
    },
  },
};
