import { z } from 'zod';

import { EMAIL_OTP_POLICY_STATES } from '../guests/email-otp-policy.ts';
import { FALLBACK_IDENTITY_PROVIDERS, PRIMARY_IDENTITY_PROVIDERS } from '../guests/redemption-configuration.ts';
import { MEMBER_ROLES, SIGN_IN_SOURCES } from '../guests/user.ts';
import { CLIENT_ROLES } from '../tenants/provider-configuration.ts';
import { SIGNING_ALGORITHMS } from '../tenants/signing-keys.ts';
import { idTokenSigningAlgorithmOf, issuerOf, type Tenant } from '../tenants/tenant.ts';

/**
 * What the admin API answers, as zod schemas: the one description of each response shape. The
 * OpenAPI document (openapi/) is generated from them, the handlers' view functions are typed by
 * them, and the OpenAPI test checks every real answer against them. `id` names the shape's
 * component in the document.
 */

const dateTime = z.iso.datetime().meta({ description: 'An ISO 8601 date and time in UTC' });

/** Graph's collection: the items, and a link to the next page when there is one. */
export function collectionOf<Item extends z.ZodType>(item: Item) {
  return z.object({
    value: z.array(item),
    '@odata.nextLink': z.url().optional().meta({ description: 'The next page; absent on the last one' }),
  });
}

export const tenantSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  verifiedDomains: z.array(z.string()),
  idTokenSigningAlgorithm: z.enum(SIGNING_ALGORITHMS),
  issuer: z.url().meta({ description: 'The tenant\'s OpenID Connect issuer' }),
  createdDateTime: dateTime,
}).meta({ id: 'Tenant' });

export type TenantView = z.infer<typeof tenantSchema>;

/** What the admin API shows of a tenant: the record without internals, plus its issuer. */
export function tenantView(tenant: Tenant, baseUrl: string): TenantView {
  return {
    id: tenant.id,
    displayName: tenant.displayName,
    verifiedDomains: tenant.verifiedDomains,
    idTokenSigningAlgorithm: idTokenSigningAlgorithmOf(tenant),
    issuer: issuerOf(baseUrl, tenant.id),
    createdDateTime: tenant.createdDateTime,
  };
}

export const signingKeySchema = z.object({
  kid: z.string(),
  alg: z.enum(SIGNING_ALGORITHMS),
  status: z.enum(['current', 'next', 'retired']),
  createdDateTime: dateTime,
  publishedUntil: dateTime.optional().meta({ description: 'For a retired key: when it leaves the JWKS' }),
}).meta({ id: 'SigningKey', description: 'A tenant signing key, public facts only' });

/** A registered relying party in OAuth client metadata names (RFC 7591). */
export const clientSchema = z.object({
  client_id: z.string(),
  client_name: z.string(),
  application_type: z.enum(['web', 'native']).optional(),
  redirect_uris: z.array(z.string()),
  post_logout_redirect_uris: z.array(z.string()),
  grant_types: z.array(z.string()),
  response_types: z.array(z.string()),
  token_endpoint_auth_method: z.string(),
  id_token_signed_response_alg: z.enum(['RS256', 'ES256']).optional(),
  backchannel_logout_uri: z.string().optional(),
  backchannel_logout_session_required: z.boolean().optional(),
  roles: z.array(z.enum(CLIENT_ROLES)),
  client_id_issued_at: z.int().meta({ description: 'Seconds since the epoch' }),
}).meta({ id: 'Client' });

/** The answer to a client's creation: the only time its secret is shown. */
export const createdClientSchema = clientSchema.extend({
  client_secret: z.string().optional().meta({ description: 'Shown once, at creation; absent for public clients (none)' }),
}).meta({ id: 'CreatedClient' });

export const invitationSchema = z.object({
  id: z.string(),
  inviteRedeemUrl: z.url(),
  invitedUserEmailAddress: z.string(),
  invitedUserDisplayName: z.string().nullable(),
  inviteRedirectUrl: z.string(),
  invitedUser: z.object({ id: z.string() }),
  invitedUserType: z.literal('Guest'),
  sendInvitationMessage: z.boolean(),
  invitedUserMessageInfo: z.object({ messageLanguage: z.string().nullable(), customizedMessageBody: z.string().nullable() }),
  status: z.enum(['PendingAcceptance', 'Completed']),
}).meta({ id: 'Invitation', description: 'Graph\'s invitation resource' });

export const userSchema = z.object({
  id: z.string(),
  mail: z.string(),
  displayName: z.string().nullable(),
  userType: z.enum(['Guest', 'Member']),
  externalUserState: z.enum(['PendingAcceptance', 'Accepted']).nullable().meta({ description: 'Guests only' }),
  externalUserStateChangeDateTime: dateTime.nullable(),
  source: z.enum(SIGN_IN_SOURCES).nullable().meta({ description: 'How the guest redeemed; sticky until redemption is reset' }),
  createdDateTime: dateTime,
  lastSignInDateTime: dateTime.nullable(),
  roles: z.array(z.enum(MEMBER_ROLES)).optional().meta({ description: 'Members only: directory roles (admin, guestInviter); a guest has no such field' }),
  accountEnabled: z.boolean().meta({ description: 'false: sign-in is blocked (Entra\'s "Block sign-in")' }),
}).meta({ id: 'User', description: 'A guest or member, in Graph\'s field names' });

export type UserView = z.infer<typeof userSchema>;

export const emailOtpPolicySchema = z.object({
  state: z.enum(EMAIL_OTP_POLICY_STATES),
  effectiveState: z.enum(['enabled', 'disabled']).meta({ description: 'What `default` currently means in this deployment' }),
}).meta({ id: 'EmailOtpPolicy' });

export type EmailOtpPolicyView = z.infer<typeof emailOtpPolicySchema>;

export const invitationRedemptionSchema = z.object({
  primaryIdentityProviderPrecedenceOrder: z.array(z.enum(PRIMARY_IDENTITY_PROVIDERS)),
  fallbackIdentityProvider: z.enum(FALLBACK_IDENTITY_PROVIDERS),
}).meta({ id: 'InvitationRedemptionConfiguration', description: 'The order of home-realm discovery' });

export const identityProviderSchema = z.object({
  id: z.string(),
  type: z.enum(['google', 'oidc']),
  displayName: z.string(),
  issuer: z.url(),
  clientId: z.string(),
  domains: z.array(z.string()),
  createdDateTime: dateTime,
}).meta({ id: 'IdentityProvider', description: 'Direct federation or Google; the client secret is never shown' });

export type IdentityProviderView = z.infer<typeof identityProviderSchema>;

export const brandingSchema = z.object({
  backgroundColor: z.string().nullable(),
  signInPageText: z.string().nullable(),
  usernameHintText: z.string().nullable(),
  customPrivacyAndCookiesUrl: z.string().nullable(),
  customTermsOfUseUrl: z.string().nullable(),
  squareLogoUrl: z.url().nullable().meta({ description: 'Absolute, served by the provider under the tenant\'s path' }),
}).meta({ id: 'Branding', description: 'Graph\'s organizationalBranding subset' });

export type BrandingView = z.infer<typeof brandingSchema>;

/** Every admin API failure (Microsoft Graph's shape). */
export const errorSchema = z.object({
  error: z.object({
    code: z.string().meta({ example: 'BadRequest' }),
    message: z.string(),
  }),
}).meta({ id: 'Error' });
