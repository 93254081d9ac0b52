import { z } from 'zod';

import { directoryAuditSchema, signInSchema } from '../activity-views.ts';
import { collectionOf } from '../views.ts';
import { type AdminPaths, errorAnswers, jsonAnswer, tenantParameters } from './operation-parts.ts';

const paging = {
  $top: z.string().regex(/^[0-9]+$/).optional().meta({ description: 'Page size, 1 to 1000 (default 100)' }),
  $skiptoken: z.string().optional().meta({ description: 'From @odata.nextLink; follow that link rather than building one' }),
};

/** activity-logs-api.ts: the sign-in and audit logs (docs/sign-in-log.md). */
export const activityLogsPaths: AdminPaths = {
  '/admin/tenants/{tenantId}/signIns': {
    get: {
      operationId: 'listSignIns',
      tags: ['logs'],
      summary: 'The tenant\'s sign-in log, newest first: every interactive sign-in attempt, success (errorCode 0) or failure',
      requestParams: {
        path: tenantParameters,
        query: z.object({
          $filter: z.string().optional().meta({
            description: 'Clauses joined by and: userPrincipalName, userId, appId eq \'…\'; status/errorCode eq or ne a number; createdDateTime ge an ISO date-time',
            example: 'userPrincipalName eq \'megan@fabrikam.example\' and status/errorCode ne 0',
          }),
          ...paging,
        }),
      },
      responses: { 200: jsonAnswer(collectionOf(signInSchema), 'A page of sign-ins'), ...errorAnswers(400, 401, 403, 404) },
    },
  },
  '/admin/tenants/{tenantId}/directoryAudits': {
    get: {
      operationId: 'listDirectoryAudits',
      tags: ['logs'],
      summary: 'The tenant\'s audit log of admin changes, newest first, with who made each',
      requestParams: {
        path: tenantParameters,
        query: z.object({
          $filter: z.string().optional().meta({
            description: 'Clauses joined by and: activityDateTime ge an ISO date-time; activityDisplayName, result, initiatedBy/app/appId, initiatedBy/user/id, initiatedBy/user/userPrincipalName eq \'…\'; targetResources/any(t: t/id eq \'…\')',
            example: 'initiatedBy/app/appId eq \'deployment\'',
          }),
          ...paging,
        }),
      },
      responses: { 200: jsonAnswer(collectionOf(directoryAuditSchema), 'A page of audit entries'), ...errorAnswers(400, 401, 403, 404) },
    },
  },
};
