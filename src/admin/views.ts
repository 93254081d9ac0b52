import { idTokenSigningAlgorithmOf, issuerOf, type Tenant } from '../tenants/tenant.ts';

/** What the admin API shows of a tenant: the record without internals, plus its issuer. */
export function tenantView(tenant: Tenant, baseUrl: string) {
  return {
    id: tenant.id,
    displayName: tenant.displayName,
    verifiedDomains: tenant.verifiedDomains,
    idTokenSigningAlgorithm: idTokenSigningAlgorithmOf(tenant),
    issuer: issuerOf(baseUrl, tenant.id),
    createdDateTime: tenant.createdDateTime,
  };
}
