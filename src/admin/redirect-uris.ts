import { DEVELOPMENT_HTTP_HOSTS, isHttpsOrDevelopmentHttp } from '../https-urls.ts';

/**
 * Which redirect URIs (and post-logout redirect URIs) a client may register, by its
 * `application_type` (OpenID Connect Registration 2).
 *
 * Matching at request time is oidc-provider's (Client#redirectUriAllowed): exact, except that for
 * a native client an `http` loopback URI matches with any port (RFC 8252 7.3), on both the
 * authorization and the end-session endpoint. These rules only decide what may be registered;
 * they are stricter than oidc-provider's own (which also runs, at registration) in two places:
 * `localhost` is refused for native apps (RFC 8252 8.3), and a private-use scheme must be in
 * reverse domain name form (RFC 8252 7.1), so `javascript:`, `myapp:` and the like never pass.
 */

export const APPLICATION_TYPES = ['web', 'native'] as const;
export type ApplicationType = (typeof APPLICATION_TYPES)[number];

/** The loopback addresses a native app listens on (RFC 8252 7.3); `localhost` is not one of them. */
const NATIVE_LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]']);

/**
 * A URI scheme named by a domain in reverse order, such as `com.example.app` (RFC 7595 3.8): at
 * least two DNS labels, the first starting with a letter, as a URI scheme must (RFC 3986 3.1).
 */
const REVERSE_DOMAIN_SCHEME = /^[a-z](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

const WEB_REDIRECT_RULE = 'must be an https URL (http only for localhost) without a fragment';
const NATIVE_HINT = 'a private-use scheme (com.example.app:/callback) or a loopback URI that matches any port needs application_type "native"';
const LOCALHOST_REFUSED = 'must not use localhost for a native app (RFC 8252 8.3: the name may resolve to another address or interface than the one the app listens on, and client firewalls may treat it differently); listen on the loopback address itself and register http://127.0.0.1/… or http://[::1]/…, which match any port';
const NATIVE_HTTP_RULE = 'http is only for loopback redirects of a native app, http://127.0.0.1/… or http://[::1]/… (any port matches); otherwise use https or a private-use scheme such as com.example.app:/callback';
const CLAIMED_HTTPS_ON_LOOPBACK = 'must not be https on a loopback address: a native app listening on loopback registers http://127.0.0.1/… or http://[::1]/…';
const PRIVATE_USE_SCHEME_RULE = 'a private-use URI scheme must be a domain name in reverse order, such as com.example.app:/callback (RFC 8252 7.1)';

/** Why `value` may not be registered for this application type; undefined when it may. */
export function redirectUriProblem(value: string, applicationType: ApplicationType): string | undefined {
  const url = URL.parse(value);
  if (!url) return applicationType === 'web' ? WEB_REDIRECT_RULE : 'must be an absolute URI';
  if (url.hash || value.includes('#')) return 'must not have a fragment';
  if (url.username || url.password) return 'must not carry a user name or password';
  return applicationType === 'web' ? webProblem(url) : nativeProblem(url);
}

function webProblem(url: URL): string | undefined {
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') return isHttpsOrDevelopmentHttp(url) ? undefined : WEB_REDIRECT_RULE;
  return isPrivateUseScheme(url) ? `${WEB_REDIRECT_RULE}; ${NATIVE_HINT}` : WEB_REDIRECT_RULE;
}

function nativeProblem(url: URL): string | undefined {
  switch (url.protocol) {
    case 'http:':
      if (NATIVE_LOOPBACK_HOSTS.has(url.hostname)) return undefined;
      return url.hostname === 'localhost' ? LOCALHOST_REFUSED : NATIVE_HTTP_RULE;
    case 'https:':
      // A claimed https URI (RFC 8252 7.2): the app's own domain, opened in the app by the OS.
      return DEVELOPMENT_HTTP_HOSTS.has(url.hostname) ? CLAIMED_HTTPS_ON_LOOPBACK : undefined;
    default:
      return isPrivateUseScheme(url) ? undefined : PRIVATE_USE_SCHEME_RULE;
  }
}

function isPrivateUseScheme(url: URL): boolean {
  return REVERSE_DOMAIN_SCHEME.test(url.protocol.slice(0, -1));
}
