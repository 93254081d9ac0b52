import { createInvitationBody } from '../schemas.ts';
import { invitationSchema } from '../views.ts';
import { type AdminPaths, jsonAnswer, jsonBody, tenantParameters, tenantWriteErrors } from './operation-parts.ts';

/** invitations-api.ts */
export const invitationsPaths: AdminPaths = {
  '/admin/tenants/{tenantId}/invitations': {
    post: {
      operationId: 'createInvitation',
      tags: ['invitations'],
      summary: 'Invite a guest (Graph\'s invitation manager); resetRedemption: true makes an existing guest redeem again',
      requestParams: { path: tenantParameters },
      requestBody: jsonBody(createInvitationBody),
      responses: { 201: jsonAnswer(invitationSchema, 'The invitation, with its inviteRedeemUrl'), ...tenantWriteErrors },
    },
  },
};
