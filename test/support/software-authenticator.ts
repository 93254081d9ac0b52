import { createHash, createSign, generateKeyPairSync, randomBytes } from 'node:crypto';

import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { isoCBOR } from '@simplewebauthn/server/helpers';

/** What the authenticator does besides signing: verify its user, count, say it syncs. */
export interface SoftwareAuthenticatorOptions {
  /** Sets the UV flag (the guest's PIN or biometric was checked). Default true. */
  userVerified?: boolean;
  /** Sets the BE flag (a synced passkey). Default false: device-bound. */
  backupEligible?: boolean;
  /** The origin the browser would put in clientDataJSON. */
  origin: string;
}

const FLAG = { userPresent: 0x01, userVerified: 0x04, backupEligible: 0x08, backedUp: 0x10, attestedCredential: 0x40 };

/**
 * A WebAuthn authenticator in the test process (ES256, attestation "none"), for checks the
 * browser's virtual authenticator cannot make: a counter that goes back (a clone), a response
 * for another origin, two uses of one assertion at the same moment. Its answers are built as a
 * browser would build them (clientDataJSON, authenticator data, the signature over both).
 */
export class SoftwareAuthenticator {
  readonly credentialId = randomBytes(16);
  /** The signature counter it will report next (minus one); a test may set it back. */
  counter = 0;
  /** Whether it checks its user (the UV flag); a test may turn it off for the next answer. */
  userVerified: boolean;
  readonly #keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  readonly #options: Required<Omit<SoftwareAuthenticatorOptions, 'userVerified'>>;

  constructor({ userVerified = true, backupEligible = false, origin }: SoftwareAuthenticatorOptions) {
    this.userVerified = userVerified;
    this.#options = { backupEligible, origin };
  }

  get id(): string {
    return this.credentialId.toString('base64url');
  }

  /** Answers navigator.credentials.create() options. */
  register(options: { challenge: string; rp: { id?: string } }): RegistrationResponseJSON {
    const clientDataJSON = this.#clientData('webauthn.create', options.challenge);
    const jwk = this.#keys.publicKey.export({ format: 'jwk' });
    const coseKey = new Map<number, number | Uint8Array>([
      [1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x as string, 'base64url')], [-3, Buffer.from(jwk.y as string, 'base64url')],
    ]);
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    const attested = Buffer.concat([Buffer.alloc(16), idLength, this.credentialId, Buffer.from(isoCBOR.encode(coseKey))]);
    const authData = Buffer.concat([this.#authenticatorData(options.rp.id as string, FLAG.attestedCredential), attested]);
    const attestationObject = isoCBOR.encode(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]) as never);
    return {
      id: this.id, rawId: this.id, type: 'public-key', clientExtensionResults: {},
      response: { clientDataJSON: clientDataJSON.toString('base64url'), attestationObject: Buffer.from(attestationObject).toString('base64url'), transports: ['internal'] },
    };
  }

  /** Answers navigator.credentials.get() options; the counter moves on by one. */
  authenticate(options: { challenge: string; rpId?: string }): AuthenticationResponseJSON {
    const clientDataJSON = this.#clientData('webauthn.get', options.challenge);
    const authenticatorData = this.#authenticatorData(options.rpId as string, 0);
    const signature = createSign('SHA256').update(Buffer.concat([authenticatorData, createHash('sha256').update(clientDataJSON).digest()])).sign(this.#keys.privateKey);
    return {
      id: this.id, rawId: this.id, type: 'public-key', clientExtensionResults: {},
      response: { clientDataJSON: clientDataJSON.toString('base64url'), authenticatorData: authenticatorData.toString('base64url'), signature: signature.toString('base64url') },
    };
  }

  #clientData(type: string, challenge: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin: this.#options.origin, crossOrigin: false }));
  }

  #authenticatorData(rpId: string, extraFlags: number): Buffer {
    const { backupEligible } = this.#options;
    const flags = FLAG.userPresent | (this.userVerified ? FLAG.userVerified : 0) | (backupEligible ? FLAG.backupEligible | FLAG.backedUp : 0) | extraFlags;
    this.counter += 1;
    const count = Buffer.alloc(4);
    count.writeUInt32BE(this.counter);
    return Buffer.concat([createHash('sha256').update(rpId).digest(), Buffer.from([flags]), count]);
  }
}
