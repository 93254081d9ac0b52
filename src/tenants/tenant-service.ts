import { randomUUID } from 'node:crypto';

import { ConcurrentChangeError, ConflictError, NotFoundError } from '../errors.ts';
import { CONCURRENT_WRITE_ATTEMPTS } from '../limits.ts';
import type { EmailOtpPolicyState } from '../guests/email-otp-policy.ts';
import type { InvitationRedemptionConfiguration } from '../guests/redemption-configuration.ts';
import type { GuestMfaPolicy } from '../mfa/guest-mfa-policy.ts';
import { CHANGED, retryChanged } from '../store/record-version.ts';
import type { SigningKeyRepository, SigningKeySet } from '../store/signing-key-repository.ts';
import type { TenantConflict, TenantRepository } from '../store/tenant-repository.ts';
import { generateInitialSigningKeys, rotateSigningKeys, type SigningAlgorithm, type SigningKey } from './signing-keys.ts';
import { idTokenSigningAlgorithmOf, type Tenant } from './tenant.ts';

export interface NewTenant {
  id?: string;
  displayName: string;
  verifiedDomains?: string[];
  idTokenSigningAlgorithm?: SigningAlgorithm;
}

export interface TenantChanges {
  displayName?: string;
  verifiedDomains?: string[];
  idTokenSigningAlgorithm?: SigningAlgorithm;
  emailOtpPolicy?: EmailOtpPolicyState;
  invitationRedemption?: InvitationRedemptionConfiguration;
  guestMfaPolicy?: GuestMfaPolicy;
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
      // A random UUID, not a counter: it needs no coordination or extra key (no Cluster slot to
      // share), and it stays unique across a restored backup, where a counter would run again
      // through numbers other processes have cached.
      generation: randomUUID(),
      ...(input.idTokenSigningAlgorithm ? { idTokenSigningAlgorithm: input.idTokenSigningAlgorithm } : {}),
    };
    const conflict = await this.#tenants.create(tenant);
    if (conflict) throw conflictError(conflict, tenant.id);
    // This process may remember that the id and domains named nobody a moment ago.
    this.#onChanged(tenant);
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

  /**
   * Applies the changes to the stored tenant. When another request wrote the tenant at the same
   * moment, the changes are applied again to what it left (a PATCH names only the fields it sets),
   * so neither change is lost.
   */
  async update(id: string, changes: TenantChanges): Promise<Tenant> {
    return this.#change(id, (previous) => {
      const next: Tenant = {
        ...previous,
        ...(changes.displayName !== undefined ? { displayName: changes.displayName } : {}),
        ...(changes.verifiedDomains !== undefined ? { verifiedDomains: unique(changes.verifiedDomains) } : {}),
        ...(changes.emailOtpPolicy !== undefined ? { emailOtpPolicy: changes.emailOtpPolicy } : {}),
        ...(changes.invitationRedemption !== undefined ? { invitationRedemption: changes.invitationRedemption } : {}),
        ...(changes.guestMfaPolicy !== undefined ? { guestMfaPolicy: changes.guestMfaPolicy } : {}),
        ...(changes.idTokenSigningAlgorithm !== undefined ? { idTokenSigningAlgorithm: changes.idTokenSigningAlgorithm } : {}),
      };
      // Only what a built Provider holds (the name on its pages, the default ID token algorithm in
      // its configuration) makes processes rebuild it; policy and domain edits are read from the
      // tenant record on each sign-in.
      if (next.displayName !== previous.displayName || idTokenSigningAlgorithmOf(next) !== idTokenSigningAlgorithmOf(previous)) {
        next.revision = previous.revision + 1;
      }
      return next;
    });
  }

  async delete(id: string): Promise<void> {
    const tenant = await this.get(id);
    // Data first, record last: if purging fails half-way the tenant still exists and the delete
    // can be repeated; a new tenant can never inherit leftovers under a reused id.
    await this.#tenants.purgeData(id);
    await retryChanged(CONCURRENT_WRITE_ATTEMPTS, async () => {
      const current = await this.get(id);
      return (await this.#tenants.delete(current)) ? undefined : CHANGED;
    }, () => new ConcurrentChangeError(`Tenant '${id}'`));
    this.#onChanged(tenant);
  }

  /** The tenant's keys, generating the first set when there is none yet. */
  async signingKeys(tenantId: string): Promise<SigningKey[]> {
    return (await this.#signingKeySet(tenantId)).keys;
  }

  /**
   * One rotation step. Two rotations at once both happen, one after the other (each rotates the
   * set the other left), and each bumps the revision, as does a rename at the same moment.
   */
  async rotateSigningKeys(tenantId: string): Promise<SigningKey[]> {
    await this.get(tenantId);
    const rotated = await retryChanged(CONCURRENT_WRITE_ATTEMPTS, async () => {
      const current = await this.#signingKeySet(tenantId);
      const next = await rotateSigningKeys(current.keys, new Date());
      return (await this.#signingKeys.replace(tenantId, current, next)) ? next : CHANGED;
    }, () => new ConcurrentChangeError(`Tenant '${tenantId}'`));
    // A new revision makes every process rebuild this tenant's Provider with the new key order.
    await this.#change(tenantId, (tenant) => ({ ...tenant, revision: tenant.revision + 1 }));
    return rotated;
  }

  async #signingKeySet(tenantId: string): Promise<SigningKeySet> {
    const existing = await this.#signingKeys.load(tenantId);
    if (existing) return existing;
    const generated = await generateInitialSigningKeys(new Date());
    if (await this.#signingKeys.saveInitial(tenantId, generated)) return { keys: generated, version: 1 };
    // Another process stored a first set in the meantime: use that one.
    return (await this.#signingKeys.load(tenantId)) ?? { keys: generated, version: 1 };
  }

  /** Read, change, compare-and-set write; from a fresh read again while others write at the same moment. */
  async #change(id: string, change: (tenant: Tenant) => Tenant): Promise<Tenant> {
    const written = await retryChanged(CONCURRENT_WRITE_ATTEMPTS, async () => {
      const previous = await this.get(id);
      const result = await this.#tenants.update(previous, change(previous));
      if (!('kind' in result)) return { previous, written: result };
      if (result.kind === 'changed') return CHANGED;
      throw conflictError(result, id);
    }, () => new ConcurrentChangeError(`Tenant '${id}'`));
    // Both: the domains it gave up and the ones it gained (which this process may remember as nobody's).
    this.#onChanged(written.previous);
    this.#onChanged(written.written);
    return written.written;
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
    case 'changed':
      return new ConcurrentChangeError(`Tenant '${id}'`);
  }
}
