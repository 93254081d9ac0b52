/**
 * A tenant's redemption order, in the words of Graph's
 * `invitationRedemptionIdentityProviderConfiguration`: the order of the primary identity
 * providers (steps 2-4 of home-realm discovery) and which fallback applies (steps 5-6).
 *
 * - azureActiveDirectory: the guest's home tenant in this deployment (their domain is its verified domain)
 * - externalFederation: the tenant's direct federation (its OIDC identity providers and their domains)
 * - socialIdentityProviders: Google, for gmail.com and googlemail.com
 * - fallback defaultConfiguredIdp: the consumer-account provider if the address has an account
 *   there, else email one-time passcode; microsoftAccount and emailOneTimePasscode: only that one
 */
export const PRIMARY_IDENTITY_PROVIDERS = ['azureActiveDirectory', 'externalFederation', 'socialIdentityProviders'] as const;
export const FALLBACK_IDENTITY_PROVIDERS = ['defaultConfiguredIdp', 'emailOneTimePasscode', 'microsoftAccount'] as const;

export type PrimaryIdentityProvider = (typeof PRIMARY_IDENTITY_PROVIDERS)[number];
export type FallbackIdentityProvider = (typeof FALLBACK_IDENTITY_PROVIDERS)[number];

export interface InvitationRedemptionConfiguration {
  primaryIdentityProviderPrecedenceOrder: PrimaryIdentityProvider[];
  fallbackIdentityProvider: FallbackIdentityProvider;
}

/** Microsoft's documented redemption order (the contract's steps 2 to 6). */
export const DEFAULT_REDEMPTION_CONFIGURATION: InvitationRedemptionConfiguration = {
  primaryIdentityProviderPrecedenceOrder: ['azureActiveDirectory', 'externalFederation', 'socialIdentityProviders'],
  fallbackIdentityProvider: 'defaultConfiguredIdp',
};
