import type { ConsumerAccounts } from '../federation/consumer-accounts.ts';
import { GOOGLE_DOMAINS } from '../federation/identity-provider.ts';
import type { UpstreamReference } from '../federation/upstream.ts';
import type { IdentityProviderRepository } from '../store/identity-provider-repository.ts';
import { issuerOf, tenantIdOfIssuer } from '../tenants/tenant.ts';
import type { TenantDirectory } from '../tenants/tenant-directory.ts';
import type { DiscoveryContext, DiscoverySteps, DiscoveryStep, SignInMethod } from './home-realm-discovery.ts';

/** What the steps need to look at: this deployment's tenants, the tenant's providers, consumer accounts. */
export interface DiscoverySources {
  baseUrl: string;
  directory: TenantDirectory;
  identityProviders: IdentityProviderRepository;
  consumerAccounts: ConsumerAccounts | undefined;
}

/** The six steps, each a small function with one signature (home-realm-discovery.ts orders them). */
export function discoverySteps(sources: DiscoverySources): DiscoverySteps {
  const federation = (upstream: UpstreamReference): SignInMethod => ({ kind: 'federation', upstream });

  return {
    async redeemedMethod(context) {
      const { user } = context;
      if (user?.userType !== 'Guest' || user.externalUserState !== 'Accepted' || !user.source) return undefined;
      if (user.source === 'EmailOTP') {
        return context.emailOtpEnabled ? { kind: 'EmailOTP' } : { kind: 'unavailable', reason: 'emailOtpDisabled' };
      }
      const upstream = await recordedUpstream(sources, context);
      return upstream ? federation(upstream) : { kind: 'unavailable', reason: 'methodUnavailable' };
    },

    async azureActiveDirectory({ tenant, domain }) {
      const home = await sources.directory.resolve(domain);
      if (!home || home.id === tenant.id) return undefined;
      return federation({ source: 'HomeTenant', issuer: issuerOf(sources.baseUrl, home.id), displayName: home.displayName, homeTenantId: home.id });
    },

    async externalFederation({ tenant, domain }) {
      const provider = (await sources.identityProviders.list(tenant)).find((candidate) => candidate.type === 'oidc' && candidate.domains.includes(domain));
      return provider && federation({ source: 'DirectFederation', issuer: provider.issuer, displayName: provider.displayName, identityProviderId: provider.id });
    },

    async socialIdentityProviders({ tenant, domain }) {
      if (!(GOOGLE_DOMAINS as readonly string[]).includes(domain)) return undefined;
      const provider = (await sources.identityProviders.list(tenant)).find((candidate) => candidate.type === 'google');
      return provider && federation({ source: 'Google', issuer: provider.issuer, displayName: provider.displayName, identityProviderId: provider.id });
    },

    async microsoftAccount({ email }) {
      const consumer = sources.consumerAccounts;
      if (!consumer || !(await consumer.hasAccount(email))) return undefined;
      return federation(consumer.reference);
    },

    emailOneTimePasscode: (async ({ emailOtpEnabled }) => (emailOtpEnabled ? { kind: 'EmailOTP' } : undefined)) satisfies DiscoveryStep,
  };
}

/**
 * Where a guest who redeemed upstream signs in again: the provider recorded with their identity,
 * whatever their domain points to now. Undefined when it is gone (the provider was removed).
 */
async function recordedUpstream(sources: DiscoverySources, { tenant, user }: DiscoveryContext): Promise<UpstreamReference | undefined> {
  const identity = user?.upstreamIdentity;
  if (!user || !identity) return undefined;
  switch (user.source) {
    case 'HomeTenant': {
      const homeId = tenantIdOfIssuer(sources.baseUrl, identity.issuer);
      const home = homeId ? await sources.directory.resolve(homeId) : undefined;
      return home && { source: 'HomeTenant', issuer: identity.issuer, displayName: home.displayName, homeTenantId: home.id };
    }
    case 'DirectFederation':
    case 'Google': {
      const provider = identity.identityProviderId ? await sources.identityProviders.find(tenant, identity.identityProviderId) : undefined;
      return provider && { source: user.source, issuer: provider.issuer, displayName: provider.displayName, identityProviderId: provider.id };
    }
    case 'ConsumerAccount':
      return sources.consumerAccounts?.reference;
    default:
      return undefined;
  }
}
