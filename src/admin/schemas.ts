import { z } from 'zod';

import { disguisingCharacterIn, disguisingCharacterMessage } from '../display-names.ts';
import { isEmailAddress, MEMBER_ROLES, normalizeEmail } from '../guests/user.ts';
import { SIGN_IN_PAGE_TEXT_MAX_LENGTH, USERNAME_HINT_TEXT_MAX_LENGTH } from '../limits.ts';
import { CLIENT_ROLES } from '../tenants/provider-configuration.ts';
import { SIGNING_ALGORITHMS } from '../tenants/signing-keys.ts';
import { isValidDomain, isValidTenantId } from '../tenants/tenant.ts';
import { isHttpsOrDevelopmentHttp } from '../https-urls.ts';
import { isLanguageTag } from '../i18n/language-tag.ts';
import { INVITATION_MESSAGE_MAX_LENGTH } from '../limits.ts';
import { APPLICATION_TYPES, redirectUriProblem } from './redirect-uris.ts';

/**
 * The admin API's request bodies. Objects are strict: an unknown field is a 400, so a typo never
 * silently does nothing.
 */

/**
 * Every display name and name-like field the admin API takes (tenants, clients, invitations,
 * members, identity providers). Checked before trimming, so a trailing CR/LF is refused too.
 */
export const displayName = z.string()
  .check((check) => {
    const found = disguisingCharacterIn(check.value);
    if (found) check.issues.push({ code: 'custom', input: check.value, message: disguisingCharacterMessage(found) });
  })
  .trim().min(1, 'must not be empty').max(256, 'must be at most 256 characters');

export const tenantId = z.string().refine(isValidTenantId, {
  message: 'must be a lower-case slug (a-z, 0-9 and inner hyphens, at most 63 characters) or a UUID, and not a reserved name such as common',
});

const verifiedDomain = z.string().transform((domain) => domain.trim().toLowerCase()).refine(isValidDomain, {
  message: 'must be a DNS domain name such as contoso.com',
});

const verifiedDomains = z.array(verifiedDomain).max(50, 'at most 50 verified domains');

/** The tenant's default ID token signing algorithm (a client's own id_token_signed_response_alg wins). */
const idTokenSigningAlgorithm = z.enum(SIGNING_ALGORITHMS, { error: `must be one of ${SIGNING_ALGORITHMS.join(', ')}` });

export const createTenantBody = z.strictObject({
  id: tenantId.optional(),
  displayName,
  verifiedDomains: verifiedDomains.optional(),
  idTokenSigningAlgorithm: idTokenSigningAlgorithm.optional(),
});

export const updateTenantBody = z.strictObject({
  displayName: displayName.optional(),
  verifiedDomains: verifiedDomains.optional(),
  idTokenSigningAlgorithm: idTokenSigningAlgorithm.optional(),
}).refine((body) => Object.keys(body).length > 0, { message: 'give at least one of displayName, verifiedDomains, idTokenSigningAlgorithm' });

/** Checked with the client's application_type (redirect-uris.ts), once the whole body is read. */
const redirectUri = z.string().max(2048);

/**
 * Where oidc-provider POSTs a logout token when the guest signs out (OpenID Connect Back-Channel
 * Logout 1.0): https, or http on loopback (development apps); no fragment (the spec forbids one),
 * no user name or password. Kept apart from redirect URIs: native-app rules never apply here.
 */
export function isAcceptableBackchannelLogoutUri(value: string): boolean {
  const url = URL.parse(value);
  if (!url || url.hash || value.includes('#') || url.username || url.password) return false;
  return isHttpsOrDevelopmentHttp(url);
}

const backchannelLogoutUri = z.string().max(2048).refine(isAcceptableBackchannelLogoutUri, {
  message: 'must be an https URL (http only for localhost) without a fragment',
});

const FRONT_CHANNEL_LOGOUT_REFUSAL = 'front-channel logout is not offered; register a backchannel_logout_uri instead';

export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const;

export const createClientBody = z.strictObject({
  client_name: displayName,
  application_type: z.enum(APPLICATION_TYPES).default('web'),
  redirect_uris: z.array(redirectUri).max(20).default([]),
  post_logout_redirect_uris: z.array(redirectUri).max(20).default([]),
  grant_types: z.array(z.enum(GRANT_TYPES)).min(1).default(['authorization_code', 'refresh_token']),
  // Default: a native app is public (RFC 8252 8.5: a secret in an installed app is no secret), a web app confidential.
  token_endpoint_auth_method: z.enum(CLIENT_AUTH_METHODS).optional(),
  id_token_signed_response_alg: z.enum(['RS256', 'ES256']).optional(),
  roles: z.array(z.enum(CLIENT_ROLES)).default([]),
  backchannel_logout_uri: backchannelLogoutUri.optional(),
  backchannel_logout_session_required: z.boolean().optional(),
  // oidc-provider 9 has no front-channel logout (removed in 8.0: browsers block the third-party
  // cookies it needs), so the field gets a 400 that says what to use instead.
  frontchannel_logout_uri: z.never({ error: FRONT_CHANNEL_LOGOUT_REFUSAL }).optional(),
  frontchannel_logout_session_required: z.never({ error: FRONT_CHANNEL_LOGOUT_REFUSAL }).optional(),
}).transform((client) => ({
  ...client,
  token_endpoint_auth_method: client.token_endpoint_auth_method ?? (client.application_type === 'native' ? 'none' as const : 'client_secret_basic' as const),
})).superRefine((client, issues) => {
  for (const field of ['redirect_uris', 'post_logout_redirect_uris'] as const) {
    client[field].forEach((uri, index) => {
      const problem = redirectUriProblem(uri, client.application_type);
      if (problem) issues.addIssue({ code: 'custom', path: [field, index], message: problem });
    });
  }
  const grants = new Set(client.grant_types);
  if (grants.has('authorization_code') && client.redirect_uris.length === 0) {
    issues.addIssue({ code: 'custom', path: ['redirect_uris'], message: 'at least one is needed for the authorization_code grant' });
  }
  if (grants.has('refresh_token') && !grants.has('authorization_code')) {
    issues.addIssue({ code: 'custom', path: ['grant_types'], message: 'refresh_token goes with authorization_code' });
  }
  if (grants.has('client_credentials') && client.token_endpoint_auth_method === 'none') {
    issues.addIssue({ code: 'custom', path: ['token_endpoint_auth_method'], message: 'a client_credentials client must authenticate (not none)' });
  }
  if (client.backchannel_logout_session_required && client.backchannel_logout_uri === undefined) {
    issues.addIssue({ code: 'custom', path: ['backchannel_logout_session_required'], message: 'true needs a backchannel_logout_uri' });
  }
  if (client.roles.includes('admin') && !grants.has('client_credentials')) {
    issues.addIssue({ code: 'custom', path: ['roles'], message: 'the admin role needs the client_credentials grant' });
  }
});

export const emailAddress = z.string().transform(normalizeEmail).refine(isEmailAddress, { message: 'must be an email address like name@example.com' });

/**
 * A web page guests are sent to or shown a link to: an https URL, or http on localhost; never
 * javascript:, data: or the like, and no user name or password.
 */
const webPageUrl = z.string().max(2048).refine((value) => {
  const url = URL.parse(value);
  return !!url && !url.username && !url.password
    && isHttpsOrDevelopmentHttp(url);
}, { message: 'must be an https URL (http only for localhost)' });

/** Where redemption ends. */
const inviteRedirectUrl = webPageUrl;

/**
 * The inviter's own words in the invitation mail: plain text, shown as text (never as HTML). Line
 * breaks are kept (CR LF and CR read as LF); every other control, bidirectional or invisible
 * character is refused, as in a display name, so the text cannot forge lines or disguise itself.
 * Only surrounding blank space is trimmed; nothing left means no message.
 */
const customizedMessageBody = z.string()
  .transform((text) => text.replace(/\r\n?/g, '\n'))
  .check((check) => {
    const found = disguisingCharacterIn(check.value.replaceAll('\n', ' '));
    if (found) check.issues.push({ code: 'custom', input: check.value, message: `${disguisingCharacterMessage(found)}; only line breaks are allowed` });
  })
  .transform((text) => text.trim())
  .pipe(z.string().max(INVITATION_MESSAGE_MAX_LENGTH, `must be at most ${INVITATION_MESSAGE_MAX_LENGTH} characters`))
  .transform((text) => text === '' ? undefined : text);

/** Graph's `invitedUserMessageInfo` (its `ccRecipients` is not supported: an unknown field). */
const invitedUserMessageInfo = z.strictObject({
  /** A BCP 47 tag; the mail is in the best of our languages for its language part, else English. */
  messageLanguage: z.string().refine(isLanguageTag, { message: 'must be a BCP 47 language tag such as de-DE' }).optional(),
  customizedMessageBody: customizedMessageBody.optional(),
});

export const createInvitationBody = z.strictObject({
  invitedUserEmailAddress: emailAddress,
  inviteRedirectUrl,
  invitedUserDisplayName: displayName.optional(),
  sendInvitationMessage: z.boolean().default(false),
  invitedUserMessageInfo: invitedUserMessageInfo.optional(),
  resetRedemption: z.boolean().default(false),
});

/**
 * Text a tenant shows guests on its sign-in pages and mails: plain text like a display name (no
 * line breaks, no bidi or invisible characters), trimmed, never empty (`null` clears a field).
 */
function brandingText(maxLength: number) {
  return z.string()
    .check((check) => {
      const found = disguisingCharacterIn(check.value);
      if (found) check.issues.push({ code: 'custom', input: check.value, message: disguisingCharacterMessage(found) });
    })
    .trim().min(1, 'must not be empty (null clears it)').max(maxLength, `must be at most ${maxLength} characters`);
}

/** Graph's organizationalBranding subset; a given field replaces, `null` clears, a missing one stays. */
export const updateBrandingBody = z.strictObject({
  // Graph documents `#RRGGBB` ("white is #FFFFFF"); the short #RGB form is refused, so every
  // stored colour has one form.
  backgroundColor: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour in the form #RRGGBB, such as #0A4C8B')
    .transform((colour) => colour.toUpperCase()).nullable().optional(),
  signInPageText: brandingText(SIGN_IN_PAGE_TEXT_MAX_LENGTH).nullable().optional(),
  usernameHintText: brandingText(USERNAME_HINT_TEXT_MAX_LENGTH).nullable().optional(),
  customPrivacyAndCookiesUrl: webPageUrl.nullable().optional(),
  customTermsOfUseUrl: webPageUrl.nullable().optional(),
}).refine((body) => Object.keys(body).length > 0, {
  message: 'give at least one of backgroundColor, signInPageText, usernameHintText, customPrivacyAndCookiesUrl, customTermsOfUseUrl',
});

export type CreateInvitationBody = z.infer<typeof createInvitationBody>;
export type CreateTenantBody = z.infer<typeof createTenantBody>;
export type UpdateTenantBody = z.infer<typeof updateTenantBody>;
export type CreateClientBody = z.infer<typeof createClientBody>;

/** One readable sentence naming each bad field, for the 400's message. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.join('.');
      if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
      return field ? `${field}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/**
 * PATCH of a user: display name, a member's directory roles (Entra's administrator and Guest
 * Inviter), and accountEnabled (false is Entra's "Block sign-in"). Roles on a guest are refused
 * by the users API, which knows the user's type.
 */
export const updateUserBody = z.strictObject({
  displayName: displayName.optional(),
  roles: z.array(z.enum(MEMBER_ROLES, { error: `must each be one of ${MEMBER_ROLES.join(', ')}` }))
    .max(MEMBER_ROLES.length, `at most ${MEMBER_ROLES.length} roles`)
    .refine((roles) => new Set(roles).size === roles.length, { message: 'must not name a role twice' })
    .optional(),
  accountEnabled: z.boolean().optional(),
}).refine((body) => Object.keys(body).length > 0, { message: 'give at least one of displayName, roles, accountEnabled' });
