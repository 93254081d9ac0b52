import { SecretBox } from '../../src/store/secret-box.ts';

describe('SecretBox (encryption at rest)', () => {
  const box = new SecretBox('a key encryption key of enough length');

  test('opens what it sealed, and never stores the plaintext', () => {
    const sealed = box.seal('top secret', 'client-secret:t1:c1');
    expect(sealed).not.toContain('top secret');
    expect(box.open(sealed, 'client-secret:t1:c1')).toBe('top secret');
    expect(box.seal('top secret', 'client-secret:t1:c1')).not.toBe(sealed);
  });

  test('a value sealed for one place does not open in another (no copying keys across tenants)', () => {
    const sealed = box.seal('private jwk', 'signing-key:tenant-a:kid1');
    expect(() => box.open(sealed, 'signing-key:tenant-b:kid1')).toThrow();
  });

  test('another KEY_ENCRYPTION_KEY cannot open it, and tampering is detected', () => {
    const sealed = box.seal('value', 'here');
    expect(() => new SecretBox('another key entirely').open(sealed, 'here')).toThrow();
    const [version, iv, body] = sealed.split('.');
    const flipped = `${body!.slice(0, -2)}${body!.endsWith('AA') ? 'AB' : 'AA'}`;
    expect(() => box.open(`${version}.${iv}.${flipped}`, 'here')).toThrow();
  });
});
