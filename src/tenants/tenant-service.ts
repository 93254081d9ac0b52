import { randomUUID } from 'node:crypto';

import { ConflictError, NotFoundError } from '../errors.ts';
import type { EmailOtpPolicyState } from '../guests/email-otp-policy.ts';
import type { InvitationRedemptionConfiguration } from '../guests/redemption-configuration.ts';
import type { SigningKeyRepository } from '../store/signing-key-repository.ts';
import type { TenantConflict, TenantRepository } from '../store/tenant-repository.ts';
import { generateInitialSigningKeys, rotateSigningKeys, type SigningKey } from './signing-keys.ts';
import type { Tenant } from './tenant.ts';

export interface NewTenant {
  id?: string;
  displayName: string;
  verifiedDomains?: string[];
}

export interface TenantChanges {
  displayName?: string;
  verifiedDomains?: string[];
  emailOtpPolicy?: EmailOtpPolicyState;
  invitationRedemption?: InvitationRedemptionConfiguration;
}

/**
 * The life of a tenant: creation (record, domain claims, signing keys), changes, key rotation and
 * deletion. After every change `onChanged` lets this process drop what it cached of the tenant
 * (its directory entry and its built Provider).
 */
export class TenantService {
  readonly #tenants: TenantRepository;
  readonly #signingKeys: SigningKeyRepository;
  readonly #onChanged: (tenant: Tenant) => void;

  constructor(tenants: TenantRepository, signingKeys: SigningKeyRepository, onChanged: (tenant: Tenant) => void) {
    this.#tenants = tenants;
    this.#signingKeys = signingKeys;
    this.#onChanged = onChanged;
  }

  async create(input: NewTenant): Promise<Tenant> {
    const tenant: Tenant = {
      id: input.id ?? randomUUID(),
      displayName: input.displayName,
      verifiedDomains: unique(input.verifiedDomains ?? []),
      createdDateTime: new Date().toISOString(),
      revision: 1,
    };
    const conflict = await this.#tenants.create(tenant);
    if (conflict) throw conflictError(conflict, tenant.id);
    // The record exists first so two tenants can never write keys under one id; if this step
    // fails, signingKeys() generates them on the tenant's first use.
    await this.signingKeys(tenant.id);
    return tenant;
  }

  async get(id: string): Promise<Tenant> {
    const tenant = await this.#tenants.find(id);
    if (!tenant) throw new NotFoundError(`Tenant '${id}' does not exist.`);
    return tenant;
  }

  list(): Promise<Tenant[]> {
    return this.#tenants.list();
  }

  async update(id: string, changes: TenantChanges): Promise<Tenant> {
    const previous = await this.get(id);
    const next: Tenant = {
      ...previous,
      ...(changes.displayName !== undefined ? { displayName: changes.displayName } : {}),
      ...(changes.verifiedDomains !== undefined ? { verifiedDomains: unique(changes.verifiedDomains) } : {}),
      ...(changes.emailOtpPolicy !== undefined ? { emailOtpPolicy: changes.emailOtpPolicy } : {}),
      ...(changes.invitationRedemption !== undefined ? { invitationRedemption: changes.invitationRedemption } : {}),
    };
    // Only what a built Provider shows (the name on its pages) makes processes rebuild it; policy
    // and domain edits are read from the tenant record on each sign-in.
    if (next.displayName !== previous.displayName) next.revision = previous.revision + 1;
    const conflict = await this.#tenants.update(previous, next);
    if (conflict) throw conflictError(conflict, id);
    this.#onChanged(previous);
    return next;
  }

  async delete(id: string): Promise<void> {
    const tenant = await this.get(id);
    // Data first, record last: if purging fails half-way the tenant still exists and the delete
    // can be repeated; a new tenant can never inherit leftovers under a reused id.
    await this.#tenants.purgeData(id);
    await this.#tenants.delete(tenant);
    this.#onChanged(tenant);
  }

  /** The tenant's keys, generating the first set when there is none yet. */
  async signingKeys(tenantId: string): Promise<SigningKey[]> {
    const existing = await this.#signingKeys.load(tenantId);
    if (existing) return existing;
    const generated = await generateInitialSigningKeys(new Date());
    if (await this.#signingKeys.saveInitial(tenantId, generated)) return generated;
    // Another process stored a first set in the meantime: use that one.
    return (await this.#signingKeys.load(tenantId)) ?? generated;
  }

  async rotateSigningKeys(tenantId: string): Promise<SigningKey[]> {
    const tenant = await this.get(tenantId);
    const rotated = await rotateSigningKeys(await this.signingKeys(tenantId), new Date());
    await this.#signingKeys.replace(tenantId, rotated);
    // A new revision makes every process rebuild this tenant's Provider with the new key order.
    const conflict = await this.#tenants.update(tenant, { ...tenant, revision: tenant.revision + 1 });
    if (conflict) throw conflictError(conflict, tenantId);
    this.#onChanged(tenant);
    return rotated;
  }

}

function unique(domains: string[]): string[] {
  return [...new Set(domains.map((domain) => domain.toLowerCase()))];
}

function conflictError(conflict: TenantConflict, id: string): Error {
  switch (conflict.kind) {
    case 'idTaken':
      return new ConflictError(`A tenant with id '${id}' already exists.`);
    case 'domainTaken':
      return new ConflictError(`The domain '${conflict.domain}' is already a verified domain of another tenant.`);
    case 'missing':
      return new NotFoundError(`Tenant '${id}' does not exist.`);
  }
}
