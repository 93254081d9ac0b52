import { redirectUriProblem } from '../../src/admin/redirect-uris.ts';

/** What each application type may register as a redirect URI (matching is oidc-provider's). */

test.each([
  'https://app.example/callback',
  'http://localhost:3000/callback',
  'http://127.0.0.1:7777/callback',
  'http://[::1]/callback',
])('a web app may register %s', (uri) => {
  expect(redirectUriProblem(uri, 'web')).toBeUndefined();
});

test.each([
  ['http://app.example/callback', /^must be an https URL \(http only for localhost\)/],
  ['com.example.app:/callback', /needs application_type "native"/],
  ['javascript:alert(1)', /^must be an https URL \(http only for localhost\) without a fragment$/],
  ['https://app.example/callback#x', /fragment/],
  ['https://user:pass@app.example/callback', /user name or password/],
  ['not a uri', /https URL/],
])('a web app may not register %s', (uri, problem) => {
  expect(redirectUriProblem(uri, 'web')).toMatch(problem);
});

test.each([
  'http://127.0.0.1/callback',
  'http://127.0.0.1:53124/callback',
  'http://[::1]/callback',
  'http://[::1]:8400/',
  'com.example.app:/oauth2redirect',
  'com.example.app://callback',
  'COM.Example.App:/callback',
  'io.github.some-user.tool:/done',
  'https://app.example.com/oauth2redirect',
])('a native app may register %s', (uri) => {
  expect(redirectUriProblem(uri, 'native')).toBeUndefined();
});

test.each([
  ['http://localhost/callback', /must not use localhost for a native app \(RFC 8252 8\.3/],
  ['http://localhost:8080/callback', /register http:\/\/127\.0\.0\.1\/… or http:\/\/\[::1\]\/…/],
  ['http://app.example/callback', /http is only for loopback redirects/],
  ['http://127.0.0.1.evil.example/callback', /http is only for loopback redirects/],
  ['http://[::ffff:127.0.0.1]/callback', /http is only for loopback redirects/],
  ['https://127.0.0.1/callback', /must not be https on a loopback address/],
  ['https://localhost/callback', /must not be https on a loopback address/],
  ['myapp:/callback', /reverse order/],
  ['javascript:alert(1)', /reverse order/],
  ['data:text/html,x', /reverse order/],
  ['file:///etc/passwd', /reverse order/],
  ['com.example.:/callback', /reverse order/],
  ['com.-example.app:/callback', /reverse order/],
  ['com.example.app:/callback#x', /fragment/],
  ['not a uri', /absolute URI/],
])('a native app may not register %s', (uri, problem) => {
  expect(redirectUriProblem(uri, 'native')).toMatch(problem);
});
