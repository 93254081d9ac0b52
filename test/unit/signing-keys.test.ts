import { RETIRED_SIGNING_KEY_PUBLISHED_SECONDS } from '../../src/limits.ts';
import { generateInitialSigningKeys, jwksForProvider, rotateSigningKeys } from '../../src/tenants/signing-keys.ts';

describe('signing key rotation (pure)', () => {
  const start = new Date('2026-01-01T00:00:00Z');

  test('the first set has a current and a next key per algorithm, with private parts and kids', async () => {
    const keys = await generateInitialSigningKeys(start);
    expect(keys.map((key) => `${key.alg}:${key.status}`).sort()).toEqual(['ES256:current', 'ES256:next', 'RS256:current', 'RS256:next']);
    for (const key of keys) {
      expect(key.privateJwk).toMatchObject({ kid: key.kid, alg: key.alg, use: 'sig', d: expect.any(String) });
    }
    expect(new Set(keys.map((key) => key.kid)).size).toBe(4);
  });

  test('oidc-provider gets current keys first, then next, then retired', async () => {
    const rotated = await rotateSigningKeys(await generateInitialSigningKeys(start), start);
    const statuses = jwksForProvider(rotated, start).map((jwk) => rotated.find((key) => key.kid === jwk.kid)?.status);
    expect(statuses).toEqual(['current', 'current', 'next', 'next', 'retired', 'retired']);
  });

  test('a retired key leaves the JWKS once what it signed has expired, and is dropped at the next rotation', async () => {
    const first = await generateInitialSigningKeys(start);
    const rotated = await rotateSigningKeys(first, start);
    const retired = rotated.filter((key) => key.status === 'retired').map((key) => key.kid);

    const stillValid = new Date(start.getTime() + (RETIRED_SIGNING_KEY_PUBLISHED_SECONDS - 1) * 1000);
    const expired = new Date(start.getTime() + (RETIRED_SIGNING_KEY_PUBLISHED_SECONDS + 1) * 1000);
    expect(jwksForProvider(rotated, stillValid).map((jwk) => jwk.kid)).toEqual(expect.arrayContaining(retired));
    expect(jwksForProvider(rotated, expired).map((jwk) => jwk.kid)).not.toEqual(expect.arrayContaining([retired[0]]));

    const again = await rotateSigningKeys(rotated, expired);
    expect(again.map((key) => key.kid)).not.toContain(retired[0]);
    expect(again.filter((key) => key.status === 'retired')).toHaveLength(2);
  });
});
