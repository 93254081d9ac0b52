import { Secret, TOTP } from 'otpauth';

import { DEFAULT_GUEST_MFA_POLICY, secondFactorRequirement } from '../../src/mfa/guest-mfa-policy.ts';
import { groupedCode, normalizeRecoveryCode } from '../../src/mfa/recovery-codes.ts';
import { groupedSecret, newTotpSecret, totpStepOf } from '../../src/mfa/totp/totp.ts';

const guest = { userType: 'Guest' as const, source: 'EmailOTP' as const };

test('a TOTP code is right for its step and one step either side, not two', () => {
  const secret = newTotpSecret();
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  const now = 1_800_000_000_000;
  const app = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 });
  const step = Math.floor(now / 30_000);
  expect(totpStepOf(secret, app.generate({ timestamp: now }), now)).toBe(step);
  expect(totpStepOf(secret, app.generate({ timestamp: now - 30_000 }), now)).toBe(step - 1);
  expect(totpStepOf(secret, app.generate({ timestamp: now + 30_000 }), now)).toBe(step + 1);
  expect(totpStepOf(secret, app.generate({ timestamp: now + 60_000 }), now)).toBeUndefined();
  expect(groupedSecret('ABCDEFGHIJ')).toBe('ABCD EFGH IJ');
});

test('recovery codes are read as typed: case, dashes, spaces, and letters that look like digits', () => {
  expect(groupedCode('ABCDE12345')).toBe('ABCDE-12345');
  expect(normalizeRecoveryCode(' abcde-1234o ')).toBe('ABCDE12340');
  expect(normalizeRecoveryCode('IL0O1')).toBe('11001');
});

test('who the policy asks: guests in its scope; anyone whose app sends acr_values=mfa', () => {
  expect(secondFactorRequirement(DEFAULT_GUEST_MFA_POLICY, guest, 'app', undefined)).toEqual({ required: false });
  expect(secondFactorRequirement(DEFAULT_GUEST_MFA_POLICY, guest, 'app', 'urn:other mfa')).toEqual({ required: true, methods: ['totp', 'passkey'], reason: 'acrValues' });
  const enabled = { state: 'enabled' as const, methods: ['totp' as const], appliesTo: {} };
  expect(secondFactorRequirement(enabled, guest, 'app', undefined)).toEqual({ required: true, methods: ['totp'], reason: 'policy' });
  expect(secondFactorRequirement(enabled, { userType: 'Member', source: null }, 'app', undefined)).toEqual({ required: false });
  expect(secondFactorRequirement(enabled, { userType: 'Member', source: null }, 'app', 'mfa')).toMatchObject({ required: true, reason: 'acrValues' });
  const scoped = { ...enabled, appliesTo: { sources: ['Google' as const], clientIds: ['wiki'] } };
  expect(secondFactorRequirement(scoped, { userType: 'Guest', source: 'Google' }, 'wiki', undefined).required).toBe(true);
  expect(secondFactorRequirement(scoped, { userType: 'Guest', source: 'Google' }, 'payroll', undefined).required).toBe(false);
  expect(secondFactorRequirement(scoped, guest, 'wiki', undefined).required).toBe(false);
});
