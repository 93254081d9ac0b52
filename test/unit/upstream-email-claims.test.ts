import { emailClaimsOf } from '../../src/federation/upstream-connector.ts';
import { forLog } from '../../src/federation/upstream-failure.ts';

/**
 * Where an upstream guest's address comes from: the ID token when it says both the address and
 * whether it is verified, else userinfo; the two always from one place, since email_verified
 * speaks of that very address.
 */
describe('emailClaimsOf', () => {
  test('an ID token with both wins, whatever userinfo says', () => {
    expect(emailClaimsOf({ email: 'a@x.example', email_verified: true }, { email: 'b@x.example', email_verified: false }))
      .toEqual({ email: 'a@x.example', emailVerified: true });
  });

  test('an ID token lacking either: both from userinfo, never one from each', () => {
    expect(emailClaimsOf({}, { email: 'b@x.example', email_verified: true })).toEqual({ email: 'b@x.example', emailVerified: true });
    expect(emailClaimsOf({ email: 'a@x.example' }, { email: 'b@x.example', email_verified: true })).toEqual({ email: 'b@x.example', emailVerified: true });
    expect(emailClaimsOf({ email_verified: true }, { email: 'b@x.example' })).toEqual({ email: 'b@x.example', emailVerified: false });
  });

  test('userinfo without an address leaves what the ID token had, which is not verified', () => {
    expect(emailClaimsOf({ email: 'a@x.example' }, { sub: 's' })).toEqual({ email: 'a@x.example', emailVerified: false });
    expect(emailClaimsOf({}, undefined)).toEqual({ email: undefined, emailVerified: false });
  });

  test('only the JSON value true is verified', () => {
    expect(emailClaimsOf({}, { email: 'b@x.example', email_verified: 'true' })).toEqual({ email: 'b@x.example', emailVerified: false });
  });
});

describe('forLog', () => {
  test('an address in upstream text keeps only its domain; control characters become spaces; long text is cut', () => {
    expect(forLog('user jane.doe+x@partner.example not allowed', 200)).toBe('user …@partner.example not allowed');
    expect(forLog('line one\r\nline two', 200)).toBe('line one  line two');
    expect(forLog('x'.repeat(300), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});
