import { emailOtpPolicyBody, invitationRedemptionBody } from '../policies-api.ts';
import { emailOtpPolicySchema, invitationRedemptionSchema } from '../views.ts';
import { type AdminPaths, jsonAnswer, jsonBody, tenantParameters, tenantRouteErrors, tenantWriteErrors } from './operation-parts.ts';

/** policies-api.ts */
export const policiesPaths: AdminPaths = {
  '/admin/tenants/{tenantId}/policies/emailOtp': {
    get: {
      operationId: 'getEmailOtpPolicy',
      tags: ['policies'],
      requestParams: { path: tenantParameters },
      responses: { 200: jsonAnswer(emailOtpPolicySchema, 'Whether guests may sign in with emailed codes'), ...tenantRouteErrors },
    },
    patch: {
      operationId: 'updateEmailOtpPolicy',
      tags: ['policies'],
      requestParams: { path: tenantParameters },
      requestBody: jsonBody(emailOtpPolicyBody),
      responses: { 200: jsonAnswer(emailOtpPolicySchema, 'The policy now'), ...tenantWriteErrors },
    },
  },
  '/admin/tenants/{tenantId}/policies/invitationRedemption': {
    get: {
      operationId: 'getInvitationRedemptionConfiguration',
      tags: ['policies'],
      requestParams: { path: tenantParameters },
      responses: { 200: jsonAnswer(invitationRedemptionSchema, 'The redemption order (Microsoft\'s documented one until changed)'), ...tenantRouteErrors },
    },
    patch: {
      operationId: 'updateInvitationRedemptionConfiguration',
      tags: ['policies'],
      requestParams: { path: tenantParameters },
      requestBody: jsonBody(invitationRedemptionBody),
      responses: { 200: jsonAnswer(invitationRedemptionSchema, 'The redemption order now'), ...tenantWriteErrors },
    },
  },
};
