import { z } from 'zod';

import type { DirectoryAudit } from '../activity/audit-log.ts';
import type { SignIn } from '../activity/sign-in-log.ts';

/**
 * What the sign-in and audit logs answer, as zod schemas (see views.ts): Graph's `signIn` and
 * `directoryAudit` names. The OpenAPI document is generated from them; the `satisfies` checks at
 * the end keep them and the records the logs write (src/activity/) the same shape.
 */

const dateTime = z.iso.datetime().meta({ description: 'An ISO 8601 date and time in UTC' });

export const signInSchema = z.object({
  id: z.string(),
  createdDateTime: dateTime,
  userId: z.string().nullable().meta({ description: 'The tenant\'s user of the address; null when it has none' }),
  userPrincipalName: z.string().nullable().meta({ description: 'The address the guest gave' }),
  userDisplayName: z.string().nullable(),
  appId: z.string().nullable().meta({ description: 'The relying party\'s client id; null when the attempt had expired before it was known' }),
  appDisplayName: z.string().nullable(),
  ipAddress: z.string(),
  correlationId: z.string().meta({ description: 'The request id (X-Request-Id) of the request that ended the attempt: the reference on the guest\'s page' }),
  authenticationMethod: z.string().nullable().meta({ description: '"Email one-time passcode", or the upstream provider' }),
  isInteractive: z.literal(true),
  status: z.object({
    errorCode: z.int().meta({ description: '0: success; otherwise the code of docs/sign-in-log.md (Entra\'s AADSTS number where Entra has the case)' }),
    failureReason: z.string().nullable().meta({ description: 'What happened and what fixes it, for a help desk; null on success' }),
  }),
}).meta({ id: 'SignIn' });

export const directoryAuditSchema = z.object({
  id: z.string(),
  activityDateTime: dateTime,
  activityDisplayName: z.string().meta({ example: 'Invite external user' }),
  initiatedBy: z.union([
    z.object({ app: z.object({ appId: z.string().meta({ description: 'A tenant admin client\'s id, or "deployment" for ADMIN_TOKEN' }), displayName: z.string().optional() }) }),
    z.object({ user: z.object({ id: z.string(), userPrincipalName: z.string() }) }),
  ]),
  targetResources: z.array(z.object({ id: z.string(), type: z.string(), displayName: z.string().nullable() })),
  result: z.enum(['success', 'failure']),
  resultReason: z.string().optional().meta({ description: 'The error code a failed change got' }),
  correlationId: z.string().optional().meta({ description: 'The request id of the change' }),
}).meta({ id: 'DirectoryAudit' });

// The records the logs write are what the schemas describe.
export type SignInView = z.infer<typeof signInSchema>;
export type DirectoryAuditView = z.infer<typeof directoryAuditSchema>;
const _signIn: (record: SignIn) => SignInView = (record) => record;
const _audit: (record: DirectoryAudit) => DirectoryAuditView = (record) => record;
void _signIn;
void _audit;
