import { randomUUID } from 'node:crypto';

import {
  type AuthenticationResponseJSON, generateAuthenticationOptions, generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON, type PublicKeyCredentialRequestOptionsJSON, type RegistrationResponseJSON,
  verifyAuthenticationResponse, verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { z } from 'zod';

import type { User } from '../../guests/user.ts';
import { PASSKEY_CEREMONY_TIMEOUT_MS, PASSKEY_CHALLENGE_TTL_SECONDS, PASSKEYS_PER_GUEST } from '../../limits.ts';
import type { AuthenticationMethodRepository } from '../../store/authentication-method-repository.ts';
import type { PasskeyChallengeRepository } from '../../store/passkey-challenge-repository.ts';
import type { Tenant } from '../../tenants/tenant.ts';
import type { AuthenticationMethod } from '../authentication-method.ts';
import { authenticatorName } from './authenticator-names.ts';
import { type Passkey, passkeyAmr, type PasskeyData, passkeysOf } from './passkey.ts';

/** Where a ceremony runs: one sign-in attempt of one guest in one tenant. */
export interface PasskeyCeremonyContext {
  tenant: Pick<Tenant, 'id' | 'displayName'>;
  /** The sign-in attempt (oidc-provider interaction uid): its challenge is kept under it. */
  uid: string;
  user: Pick<User, 'id' | 'mail' | 'displayName'>;
}

export type PasskeyOutcome =
  | { kind: 'passed'; passkey: Passkey; amr: 'hwk' | 'swk' }
  | PasskeyRefusal;

/**
 * Why a passkey response was not taken: `expired` (no challenge: too late, or already used),
 * `malformed` (not a WebAuthn response), `rejected` (a signature, challenge, origin, user
 * verification or counter that does not check out), `unknownPasskey` (not one of this guest's),
 * `tooMany` (the guest has PASSKEYS_PER_GUEST already).
 */
export interface PasskeyRefusal {
  kind: 'refused';
  reason: 'expired' | 'malformed' | 'rejected' | 'unknownPasskey' | 'tooMany';
}

/** The parts of a response the browser package posts; the library checks the rest. */
const RESPONSE = z.object({
  id: z.string().min(1).max(1024),
  rawId: z.string().min(1).max(1024),
  type: z.literal('public-key'),
  response: z.record(z.string(), z.unknown()),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
});

/**
 * The WebAuthn relying party: options for the browser and checks of what it sends back. The RP ID
 * is BASE_URL's host and the only origin BASE_URL's, never the request's; passkeys are scoped to a
 * tenant and a guest by where we keep them (every URL names the tenant).
 *
 * Always: user verification required (a passkey is a second factor only when it proves both
 * possession and the guest's PIN or biometric), no attestation (we trust no vendor list, and
 * asking only adds a prompt), resident keys preferred (a passkey, not a bare security-key
 * credential). A challenge is stored per sign-in attempt for PASSKEY_CHALLENGE_TTL_SECONDS and
 * taken out by the one request that checks a response against it. The signature counter must grow
 * when the authenticator keeps one (the library refuses one that does not: a cloned key), and is
 * written compare-and-set, so two uses of one assertion at once cannot both pass.
 */
export class PasskeyCeremonies {
  readonly #methods: AuthenticationMethodRepository;
  readonly #challenges: PasskeyChallengeRepository;
  readonly #rpId: string;
  readonly #origin: string;

  constructor(methods: AuthenticationMethodRepository, challenges: PasskeyChallengeRepository, baseUrl: string) {
    this.#methods = methods;
    this.#challenges = challenges;
    const url = new URL(baseUrl);
    this.#rpId = url.hostname;
    this.#origin = url.origin;
  }

  /** The guest's passkeys. */
  async list(tenantId: string, userId: string): Promise<Passkey[]> {
    return passkeysOf(await this.#methods.list(tenantId, userId));
  }

  /** Options for navigator.credentials.create(), with a fresh challenge stored for the attempt. */
  async registrationOptions({ tenant, uid, user }: PasskeyCeremonyContext): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const existing = await this.list(tenant.id, user.id);
    const options = await generateRegistrationOptions({
      rpName: tenant.displayName,
      rpID: this.#rpId,
      userName: user.mail,
      // The user handle the authenticator keeps: our random user id, nothing personal.
      userID: new TextEncoder().encode(user.id),
      userDisplayName: user.displayName ?? user.mail,
      timeout: PASSKEY_CEREMONY_TIMEOUT_MS,
      attestationType: 'none',
      excludeCredentials: existing.map(({ data }) => ({ id: data.credentialId, transports: data.transports })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
    });
    await this.#challenges.issue(tenant.id, uid, { challenge: options.challenge, ceremony: 'registration', userId: user.id }, PASSKEY_CHALLENGE_TTL_SECONDS);
    return options;
  }

  /** Checks what navigator.credentials.create() gave (`posted`, its JSON) and keeps the new passkey. */
  async register({ tenant, uid, user }: PasskeyCeremonyContext, posted: string, now = new Date()): Promise<PasskeyOutcome> {
    const challenge = await this.#takeChallenge(tenant.id, uid, 'registration', user.id);
    if (!challenge) return refused('expired');
    const response = parseResponse(posted) as RegistrationResponseJSON | undefined;
    if (!response) return refused('malformed');
    const existing = await this.list(tenant.id, user.id);
    if (existing.length >= PASSKEYS_PER_GUEST) return refused('tooMany');
    const verified = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: this.#origin,
      expectedRPID: this.#rpId,
      requireUserPresence: true,
      requireUserVerification: true,
    }).catch(() => undefined);
    if (!verified?.verified) return refused('rejected');
    const { credential, aaguid, credentialDeviceType, credentialBackedUp } = verified.registrationInfo;
    // excludeCredentials asked the browser not to; a credential id is never registered twice.
    if (existing.some(({ data }) => data.credentialId === credential.id)) return refused('rejected');
    const data: PasskeyData = {
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey).toString('base64url'),
      counter: credential.counter,
      transports: credential.transports ?? [],
      aaGuid: aaguid,
      deviceType: credentialDeviceType,
      backedUp: credentialBackedUp,
    };
    const method: AuthenticationMethod = {
      id: randomUUID(),
      type: 'passkey',
      createdDateTime: now.toISOString(),
      displayName: authenticatorName(aaguid),
      lastUsedDateTime: now.toISOString(),
      data: { ...data },
    };
    await this.#methods.save(tenant.id, user.id, method);
    return { kind: 'passed', passkey: { method, data }, amr: passkeyAmr(data.deviceType) };
  }

  /** Options for navigator.credentials.get(), allowing only the guest's own passkeys. */
  async authenticationOptions({ tenant, uid, user }: PasskeyCeremonyContext): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const passkeys = await this.list(tenant.id, user.id);
    const options = await generateAuthenticationOptions({
      rpID: this.#rpId,
      allowCredentials: passkeys.map(({ data }) => ({ id: data.credentialId, transports: data.transports })),
      timeout: PASSKEY_CEREMONY_TIMEOUT_MS,
      userVerification: 'required',
    });
    await this.#challenges.issue(tenant.id, uid, { challenge: options.challenge, ceremony: 'authentication', userId: user.id }, PASSKEY_CHALLENGE_TTL_SECONDS);
    return options;
  }

  /** Checks what navigator.credentials.get() gave (`posted`, its JSON); a good one moves the passkey's counter on. */
  async authenticate({ tenant, uid, user }: PasskeyCeremonyContext, posted: string, now = new Date()): Promise<PasskeyOutcome> {
    const challenge = await this.#takeChallenge(tenant.id, uid, 'authentication', user.id);
    if (!challenge) return refused('expired');
    const response = parseResponse(posted) as AuthenticationResponseJSON | undefined;
    if (!response) return refused('malformed');
    const passkey = (await this.list(tenant.id, user.id)).find(({ data }) => data.credentialId === response.id);
    if (!passkey) return refused('unknownPasskey');
    const { data } = passkey;
    const verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: this.#origin,
      expectedRPID: this.#rpId,
      credential: { id: data.credentialId, publicKey: Buffer.from(data.publicKey, 'base64url'), counter: data.counter, transports: data.transports },
      requireUserVerification: true,
    }).catch(() => undefined);
    if (!verified?.verified) return refused('rejected');
    const { newCounter, credentialDeviceType, credentialBackedUp } = verified.authenticationInfo;
    const usedData: PasskeyData = { ...data, counter: newCounter, deviceType: credentialDeviceType, backedUp: credentialBackedUp };
    const used: AuthenticationMethod = { ...passkey.method, lastUsedDateTime: now.toISOString(), data: { ...usedData } };
    // Compare-and-set: another request that used this passkey since it was read wins, this one is refused.
    if (!(await this.#methods.replace(tenant.id, user.id, passkey.method, used))) return refused('rejected');
    return { kind: 'passed', passkey: { method: used, data: usedData }, amr: passkeyAmr(usedData.deviceType) };
  }

  /** The attempt's challenge if it was issued for this ceremony and guest; gone from the store either way. */
  async #takeChallenge(tenantId: string, uid: string, ceremony: 'registration' | 'authentication', userId: string): Promise<string | undefined> {
    const stored = await this.#challenges.take(tenantId, uid);
    return stored && stored.ceremony === ceremony && stored.userId === userId ? stored.challenge : undefined;
  }
}

function refused(reason: PasskeyRefusal['reason']): PasskeyRefusal {
  return { kind: 'refused', reason };
}

/** The posted JSON of a WebAuthn response, or undefined when it is not one. */
function parseResponse(posted: string): RegistrationResponseJSON | AuthenticationResponseJSON | undefined {
  let json: unknown;
  try {
    json = JSON.parse(posted);
  } catch {
    return undefined;
  }
  const parsed = RESPONSE.safeParse(json);
  return parsed.success ? (parsed.data as unknown as RegistrationResponseJSON | AuthenticationResponseJSON) : undefined;
}
