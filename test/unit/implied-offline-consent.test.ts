import { promptWithImpliedConsent } from '../../src/tenants/implied-offline-consent.ts';

/** When an authorization request asking for offline access is handled as one with prompt=consent. */

test.each([
  ['openid offline_access', undefined, 'consent'],
  ['offline_access openid email', '', 'consent'],
  ['openid offline_access', 'login', 'login consent'],
  ['openid offline_access', 'consent', undefined],
  ['openid offline_access', 'login consent', undefined],
  // prompt=none may not be combined with anything: a silent request keeps OpenID Connect's rule.
  ['openid offline_access', 'none', undefined],
  ['openid email', undefined, undefined],
  ['openid offline_accessx', undefined, undefined],
  [undefined, undefined, undefined],
  // Repeated parameters are oidc-provider's to refuse.
  [['openid offline_access', 'openid'], undefined, undefined],
  ['openid offline_access', ['login', 'none'], undefined],
])('scope %p with prompt %p is handled with prompt %p', (scope, prompt, expected) => {
  expect(promptWithImpliedConsent(scope, prompt)).toBe(expected);
});
