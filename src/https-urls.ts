/**
 * The one rule for URLs the product calls or sends guests to (redirect, logout and invitation URLs,
 * upstream issuers): https, or http on a loopback host, for apps and providers in development.
 */

/** The hosts on which http is allowed; everywhere else, https. */
export const DEVELOPMENT_HTTP_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** https anywhere; http only on a DEVELOPMENT_HTTP_HOSTS host. Anything else (javascript:, data:, ftp:) is not. */
export function isHttpsOrDevelopmentHttp(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && DEVELOPMENT_HTTP_HOSTS.has(url.hostname));
}
