import type { AuthenticationMethod } from '../authentication-method.ts';

/**
 * A guest's passkey (a WebAuthn credential): an authentication method of type `passkey`
 * (store/authentication-method-repository.ts) whose `data` holds what verifies its signatures and
 * its signature counter. Scoped to one tenant and one guest by where it is stored: every URL names
 * the tenant, and the browser scopes the credential to our one origin.
 */
export interface PasskeyData {
  /** The credential id (base64url), as the authenticator gave it. */
  credentialId: string;
  /** The COSE public key (base64url). */
  publicKey: string;
  /** The signature counter last seen; an authenticator that counts must count up (a clone does not). */
  counter: number;
  /** How the browser reached the authenticator ("internal", "hybrid", "usb", ...), a hint for the next sign-in. */
  transports: string[];
  /** The authenticator model's AAGUID (all zeros when it keeps it to itself, as attestation "none" allows). */
  aaGuid: string;
  /** `singleDevice`: the key never leaves the authenticator (device-bound); `multiDevice`: synced. */
  deviceType: PasskeyDeviceType;
  /** A synced passkey has been backed up by its provider. */
  backedUp: boolean;
}

export type PasskeyDeviceType = 'singleDevice' | 'multiDevice';

/** A stored passkey: the method record and its data, read. */
export interface Passkey {
  method: AuthenticationMethod;
  data: PasskeyData;
}

/** The user's passkeys among their authentication methods. */
export function passkeysOf(methods: AuthenticationMethod[]): Passkey[] {
  return methods.filter((method) => method.type === 'passkey').map((method) => ({ method, data: method.data as unknown as PasskeyData }));
}

/**
 * The `amr` value a passkey sign-in adds (RFC 8176): `hwk`, proof of a hardware-secured key, for a
 * device-bound passkey; `swk`, a software-secured key, for a synced one (its key is copied
 * between devices by its provider, so no one piece of hardware holds it).
 */
export function passkeyAmr(deviceType: PasskeyDeviceType): 'hwk' | 'swk' {
  return deviceType === 'singleDevice' ? 'hwk' : 'swk';
}
