import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';

import { calculateJwkThumbprint, type JWK } from 'jose';

import { RETIRED_SIGNING_KEY_PUBLISHED_SECONDS, RSA_MODULUS_BITS } from '../limits.ts';

/**
 * A tenant's signing keys and their rotation, as plain data and pure functions.
 *
 * Per algorithm there is one `current` key (it signs), one `next` key (published in the JWKS but
 * not yet signing, so relying parties have it cached before it is used) and any number of
 * `retired` keys (no longer signing, still published until what they signed has expired).
 * oidc-provider signs with the first key of the right algorithm in its jwks list, so the order
 * built by `jwksForProvider` is what makes `current` the signer.
 */

export const SIGNING_ALGORITHMS = ['RS256', 'ES256'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];
export type SigningKeyStatus = 'current' | 'next' | 'retired';

export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  status: SigningKeyStatus;
  createdDateTime: string;
  /** For retired keys: when they leave the JWKS. */
  publishedUntil?: string;
  /** Private JWK including kid, alg and use. */
  privateJwk: JWK;
}

const generate = promisify(generateKeyPair);

export async function generateSigningKey(alg: SigningAlgorithm, status: SigningKeyStatus, now: Date): Promise<SigningKey> {
  const { privateKey } = alg === 'RS256'
    ? await generate('rsa', { modulusLength: RSA_MODULUS_BITS })
    : await generate('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint(jwk);
  return { kid, alg, status, createdDateTime: now.toISOString(), privateJwk: { ...jwk, kid, alg, use: 'sig' } };
}

/** A new tenant's keys: a current and a next key for every algorithm. */
export async function generateInitialSigningKeys(now: Date): Promise<SigningKey[]> {
  return Promise.all(SIGNING_ALGORITHMS.flatMap((alg) => [
    generateSigningKey(alg, 'current', now),
    generateSigningKey(alg, 'next', now),
  ]));
}

/**
 * One rotation step: next becomes current, current retires (published a while longer), a fresh
 * next is generated, and retired keys whose publication ended are dropped.
 */
export async function rotateSigningKeys(keys: SigningKey[], now: Date): Promise<SigningKey[]> {
  const publishedUntil = new Date(now.getTime() + RETIRED_SIGNING_KEY_PUBLISHED_SECONDS * 1000).toISOString();
  const rotated = stillPublished(keys, now).map((key): SigningKey => {
    if (key.status === 'current') return { ...key, status: 'retired', publishedUntil };
    if (key.status === 'next') return { ...key, status: 'current' };
    return key;
  });
  const freshNext = await Promise.all(SIGNING_ALGORITHMS.map((alg) => generateSigningKey(alg, 'next', now)));
  return [...rotated, ...freshNext];
}

/** The private JWKs for oidc-provider, current keys first so they are the ones that sign. */
export function jwksForProvider(keys: SigningKey[], now: Date): JWK[] {
  const order: Record<SigningKeyStatus, number> = { current: 0, next: 1, retired: 2 };
  return stillPublished(keys, now)
    .toSorted((a, b) => order[a.status] - order[b.status])
    .map((key) => key.privateJwk);
}

/** A JWK without its private members. */
export function publicPart(jwk: JWK): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
  return publicJwk;
}

/** What an administrator may see of a key: never the private part. */
export function describeSigningKey({ kid, alg, status, createdDateTime, publishedUntil }: SigningKey) {
  return { kid, alg, status, createdDateTime, ...(publishedUntil ? { publishedUntil } : {}) };
}

function stillPublished(keys: SigningKey[], now: Date): SigningKey[] {
  return keys.filter((key) => key.status !== 'retired' || !key.publishedUntil || Date.parse(key.publishedUntil) > now.getTime());
}
