import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';

import type { ClientRepository } from '../store/client-repository.ts';
import type { ProviderCache } from '../tenants/provider-cache.ts';
import { adminApiAudience } from '../tenants/provider-configuration.ts';
import { issuerOf, tenantIdOfIssuer } from '../tenants/tenant.ts';
import type { TenantDirectory } from '../tenants/tenant-directory.ts';

export interface TenantAdministrator {
  tenantId: string;
  clientId: string;
  clientName: string;
}

/**
 * Recognizes a tenant administrator's access token: a JWT its tenant's issuer signed for the
 * admin API (see resourceIndicators in provider-configuration.ts). The issuer names the tenant;
 * the signature is checked against that tenant's own published keys; the client must still exist
 * and still have the admin role, so deleting it or dropping the role ends its access at once.
 */
export class TenantAdminTokens {
  readonly #baseUrl: string;
  readonly #directory: TenantDirectory;
  readonly #providers: ProviderCache;
  readonly #clients: ClientRepository;

  constructor(baseUrl: string, directory: TenantDirectory, providers: ProviderCache, clients: ClientRepository) {
    this.#baseUrl = baseUrl;
    this.#directory = directory;
    this.#providers = providers;
    this.#clients = clients;
  }

  /** The administrator the token stands for; undefined for anything that is not such a token. */
  async verify(token: string): Promise<TenantAdministrator | undefined> {
    let issuer: unknown;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      return undefined;
    }
    const tenantId = typeof issuer === 'string' ? tenantIdOfIssuer(this.#baseUrl, issuer) : undefined;
    const tenant = tenantId ? await this.#directory.resolve(tenantId) : undefined;
    if (!tenant || tenant.id !== tenantId) return undefined;

    const { publicJwks } = await this.#providers.get(tenant);
    let clientId: unknown;
    try {
      const { payload } = await jwtVerify(token, createLocalJWKSet({ keys: publicJwks }), {
        issuer: issuerOf(this.#baseUrl, tenant.id),
        audience: adminApiAudience(this.#baseUrl),
        typ: 'at+jwt',
      });
      clientId = payload.client_id;
    } catch {
      return undefined;
    }
    if (typeof clientId !== 'string') return undefined;
    const client = await this.#clients.find(tenant.id, clientId);
    if (!client?.roles.includes('admin')) return undefined;
    return { tenantId: tenant.id, clientId, clientName: client.client_name };
  }
}
