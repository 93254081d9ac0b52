import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Encryption at rest for secrets kept in the store (private signing keys, client secrets,
 * upstream IdP secrets): AES-256-GCM under a key derived from KEY_ENCRYPTION_KEY with HKDF.
 *
 * Each value is bound to where it belongs through the GCM additional data (for example
 * `signing-key:contoso:<kid>`), so a ciphertext copied to another tenant or record fails to open.
 */

const FORMAT_VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretBox {
  readonly #key: Buffer;

  constructor(keyEncryptionKey: string) {
    if (keyEncryptionKey.length === 0) throw new TypeError('KEY_ENCRYPTION_KEY must not be empty');
    this.#key = Buffer.from(hkdfSync('sha256', keyEncryptionKey, 'guest-idp', 'secrets at rest', 32));
  }

  seal(plaintext: string, boundTo: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(boundTo));
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${FORMAT_VERSION}.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
  }

  /** Throws when the value was sealed under another key, for another place, or was altered. */
  open(sealedValue: string, boundTo: string): string {
    const [version, ivText, sealedText] = sealedValue.split('.');
    if (version !== FORMAT_VERSION || !ivText || !sealedText) throw new Error('not a sealed secret');
    const sealed = Buffer.from(sealedText, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(ivText, 'base64url'));
    decipher.setAAD(Buffer.from(boundTo));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  }
}
