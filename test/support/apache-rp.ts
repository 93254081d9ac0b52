import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from './redis-server.ts';

/**
 * Apache httpd with mod_auth_openidc as a relying party nobody here wrote (Debian's `apache2` and
 * `libapache2-mod-auth-openidc`), run in the foreground on a free loopback port from a complete
 * config file of our own in a temp dir (not Debian's /etc/apache2, nothing installed or enabled).
 *
 * `/protected/` is behind the module and proxied to a small app in this process that shows what
 * the module hands an application: the OIDC_CLAIM_* headers and the OIDC_access_token* ones.
 * `/signed-out` is the app's public post-logout page. The module's own endpoints live on its
 * redirect URI: `?refresh=` (refresh the tokens now), `?logout=` (RP-initiated logout) and
 * `?logout=backchannel` (where the provider POSTs a logout token: OpenID Connect Back-Channel Logout).
 */
export interface ApacheRp {
  /** `http://localhost:<port>`: a host name of its own, so its cookies never meet guest-idp's (127.0.0.1). */
  origin: string;
  protectedUrl: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
  /** The module's logout URL: ends the Apache session, then the provider's (end_session_endpoint). */
  logoutUrl: string;
  /** Where the module takes back-channel logout tokens (registered only when the test chooses to). */
  backchannelLogoutUri: string;
  /** The config file Apache runs with, as written. */
  config: string;
  /** Every request the app behind Apache received, with the OIDC_* headers the module set. */
  seen: AppRequest[];
  /**
   * Apache's error log so far, with the request lines of back-channel logout calls (also in
   * var/apache-rp/<name>.error.log, for a human after the run).
   */
  errorLog(): string;
  /** The first whole line of that log matching `pattern`, as soon as Apache has written it. */
  waitForLog(pattern: RegExp): Promise<string>;
  close(): Promise<void>;
}

export interface AppRequest {
  path: string;
  /** The module's headers, names lower-cased (`oidc_claim_email`, `oidc_access_token`, ...). */
  oidc: Record<string, string>;
}

export interface ApacheRpOptions {
  /** The tenant's issuer; the module reads `${issuer}/.well-known/openid-configuration`. */
  issuer: string;
  /**
   * Registers the client (through the admin API) and returns its credentials: with the redirect
   * and post-logout URIs, and with the back-channel logout URI when the test wants the module told.
   */
  register(urls: { redirectUri: string; postLogoutRedirectUri: string; backchannelLogoutUri: string }): Promise<{ client_id: string; client_secret: string }>;
  /** Names its log file, var/apache-rp/<name>.error.log: one per Apache of a run. */
  name: string;
}

const APACHE = '/usr/sbin/apache2';
const MODULES = '/usr/lib/apache2/modules';
const LOG_DIRECTORY = join(import.meta.dirname, '..', '..', 'var', 'apache-rp');

function apacheUnavailable(): string | undefined {
  if (!existsSync(APACHE)) return `${APACHE} is missing (Debian package apache2; .ci/run installs it)`;
  if (!existsSync(join(MODULES, 'mod_auth_openidc.so'))) return 'mod_auth_openidc is missing (Debian package libapache2-mod-auth-openidc; .ci/run installs it)';
  return undefined;
}

export interface ApacheConfigInput {
  directory: string;
  port: number;
  appPort: number;
  origin: string;
  issuer: string;
  client: { client_id: string; client_secret: string };
  passphrase: string;
  /** Apache drops root for this user (only when started as root). */
  user?: string;
}

/**
 * The whole httpd.conf: a relying party as an operator would configure mod_auth_openidc 2.4.12
 * for guest-idp. Only the OIDC* block is about guest-idp; the rest makes httpd run unprivileged
 * in a temp dir.
 */
export function apacheConfig(input: ApacheConfigInput): string {
  const { directory, port, appPort, origin, issuer, client, passphrase, user } = input;
  const quote = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;
  return `# httpd for the Apache relying-party test; written by test/support/apache-rp.ts
ServerRoot ${quote(directory)}
ServerName localhost
Listen 127.0.0.1:${port}
PidFile ${quote(join(directory, 'httpd.pid'))}
DefaultRuntimeDir ${quote(directory)}
# Through cat to httpd's stdout, which the test reads: it waits for "resuming normal operations"
# and keeps every line. (/dev/stderr cannot be opened: node's stdio pipes are sockets.)
ErrorLog "||/bin/cat"
LogLevel warn auth_openidc:info
# mod_auth_openidc 2.4.12 logs a back-channel logout it carried out only at debug level (with the
# sid), so its calls are logged as request lines in the same stream, and only those: the query
# strings of the other requests carry codes and tokens.
CustomLog "||/bin/cat" "[back-channel logout] %a \\"%r\\" %>s" "expr=%{QUERY_STRING} == 'logout=backchannel'"
${user ? `User ${user}\nGroup ${user}\n` : ''}
LoadModule mpm_event_module ${MODULES}/mod_mpm_event.so
LoadModule authn_core_module ${MODULES}/mod_authn_core.so
LoadModule authz_core_module ${MODULES}/mod_authz_core.so
LoadModule authz_user_module ${MODULES}/mod_authz_user.so
LoadModule proxy_module ${MODULES}/mod_proxy.so
LoadModule proxy_http_module ${MODULES}/mod_proxy_http.so
LoadModule auth_openidc_module ${MODULES}/mod_auth_openidc.so

ServerLimit 1
StartServers 1
ThreadsPerChild 16
MaxRequestWorkers 16
MinSpareThreads 1
MaxSpareThreads 16

# --- mod_auth_openidc, relying party of guest-idp ---
OIDCProviderMetadataURL ${quote(`${issuer}/.well-known/openid-configuration`)}
OIDCClientID ${quote(client.client_id)}
OIDCClientSecret ${quote(client.client_secret)}
OIDCRedirectURI ${quote(`${origin}/redirect_uri`)}
OIDCCryptoPassphrase ${quote(passphrase)}
OIDCScope "openid email profile offline_access"
OIDCPKCEMethod S256
OIDCSessionType server-cache
OIDCCacheType shm
# Claims and tokens go to the proxied app as request headers (OIDC_CLAIM_email, OIDC_access_token...).
OIDCPassClaimsAs headers
OIDCPassRefreshToken On

<Location /protected/>
  AuthType openid-connect
  Require valid-user
</Location>
<Location /redirect_uri>
  AuthType openid-connect
  Require valid-user
</Location>

# The app builds its links (refresh, logout) from the Host the browser used.
ProxyPreserveHost On
ProxyPass /redirect_uri !
ProxyPass / http://127.0.0.1:${appPort}/
`;
}

export async function startApacheRp(options: ApacheRpOptions): Promise<ApacheRp> {
  const unavailable = apacheUnavailable();
  if (unavailable) throw new Error(unavailable);

  const seen: AppRequest[] = [];
  const app = await startApp(seen);
  const appPort = (app.address() as { port: number }).port;
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const redirectUri = `${origin}/redirect_uri`;
  const postLogoutRedirectUri = `${origin}/signed-out`;
  // mod_auth_openidc takes back-channel logout on its redirect URI, `?logout=backchannel` (it needs
  // OIDCSessionType server-cache, as below, to find the session by the token's sid or sub). The
  // browser knows Apache as localhost; guest-idp's server calls the address Apache listens on, so
  // the delivery does not depend on how a machine resolves localhost (::1 first on some). The
  // module matches its redirect URI by path only.
  const backchannelLogoutUri = `http://127.0.0.1:${port}/redirect_uri?logout=backchannel`;
  const client = await options.register({ redirectUri, postLogoutRedirectUri, backchannelLogoutUri });

  const directory = mkdtempSync(join(tmpdir(), 'guest-idp-apache-'));
  const config = apacheConfig({
    directory, port, appPort, origin, issuer: options.issuer, client,
    passphrase: randomBytes(24).toString('base64url'),
    user: process.getuid?.() === 0 ? 'www-data' : undefined,
  });
  const configFile = join(directory, 'httpd.conf');
  writeFileSync(configFile, config, { mode: 0o600 });

  const logFile = join(LOG_DIRECTORY, `${options.name}.error.log`);
  mkdirSync(LOG_DIRECTORY, { recursive: true });
  writeFileSync(logFile, '');
  let log = '';
  const waiters = new Set<() => void>();
  const child: ChildProcess = spawn(APACHE, ['-DFOREGROUND', '-f', configFile], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } });
  const exited = once(child, 'exit');
  const ready = new Promise<void>((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      log += chunk.toString();
      appendFileSync(logFile, chunk);
      for (const waiter of waiters) waiter();
      if (log.includes('resuming normal operations')) resolve();
    };
    // Errors before the log is open (config syntax) come on stderr, the error log on stdout.
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    exited.then(([code, signal]) => reject(new Error(`apache2 exited (${code ?? signal}) before it was ready:\n${log}`)));
    child.on('error', reject);
  });
  const cleanUp = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // SIGTERM: httpd stops its children and removes its pid file.
      child.kill('SIGTERM');
      await exited;
    }
    app.closeAllConnections();
    app.close();
    rmSync(directory, { recursive: true, force: true });
  };
  try {
    await ready;
  } catch (error) {
    await cleanUp();
    throw error;
  }

  return {
    origin,
    protectedUrl: `${origin}/protected/`,
    redirectUri,
    postLogoutRedirectUri,
    logoutUrl: `${redirectUri}?logout=${encodeURIComponent(postLogoutRedirectUri)}`,
    backchannelLogoutUri,
    config,
    seen,
    errorLog: () => log,
    waitForLog: (pattern) => new Promise((resolve, reject) => {
      const check = () => {
        const line = log.slice(0, log.lastIndexOf('\n')).split('\n').find((candidate) => pattern.test(candidate));
        if (line === undefined) return;
        waiters.delete(check);
        resolve(line);
      };
      waiters.add(check);
      check();
      exited.then(() => reject(new Error(`apache2 exited before it logged a line matching ${pattern}:\n${log}`)));
    }),
    close: cleanUp,
  };
}

/** The app behind Apache: it trusts the module's headers, as a proxied app does. */
async function startApp(seen: AppRequest[]): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://app');
    const oidc = oidcHeaders(req);
    seen.push({ path: url.pathname + url.search, oidc });
    const send = (status: number, title: string, body: string) => res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' })
      .end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body style="font-family:system-ui,sans-serif;margin:40px"><h1>${title}</h1>${body}</body></html>`);

    if (url.pathname === '/signed-out') {
      send(200, 'Signed out of the app', '<p>mod_auth_openidc ended your session here, guest-idp ended its own.</p>');
    } else if (url.pathname.startsWith('/protected/')) {
      const claims = Object.entries(oidc).filter(([name]) => name.startsWith('oidc_claim_'))
        .map(([name, value]) => `<tr><th scope="row">${escape(name.slice('oidc_claim_'.length))}</th><td data-claim="${escape(name.slice('oidc_claim_'.length))}">${escape(value)}</td></tr>`)
        .join('\n');
      const accessToken = oidc.oidc_access_token ?? '';
      const refreshUrl = `/redirect_uri?refresh=${encodeURIComponent(`http://${req.headers.host}/protected/`)}&access_token=${encodeURIComponent(accessToken)}`;
      const logoutUrl = `/redirect_uri?logout=${encodeURIComponent(`http://${req.headers.host}/signed-out`)}`;
      const refreshError = url.searchParams.get('error_code');
      send(200, 'Signed in with Apache', `
${refreshError ? `<p role="alert" id="refresh-error">Refresh failed: ${escape(refreshError)}</p>` : ''}
<h2>Claims (OIDC_CLAIM_*)</h2>
<table>${claims}</table>
<h2>Tokens</h2>
<dl>
  <dt>access token (SHA-256, first 16 hex)</dt><dd id="access-token">${fingerprint(accessToken)}</dd>
  <dt>access token expires</dt><dd id="access-token-expires">${escape(oidc.oidc_access_token_expires ?? '')}</dd>
  <dt>refresh token (SHA-256, first 16 hex)</dt><dd id="refresh-token">${oidc.oidc_refresh_token ? fingerprint(oidc.oidc_refresh_token) : 'none'}</dd>
</dl>
<p><a href="${escape(refreshUrl)}">Refresh tokens</a> · <a href="${escape(logoutUrl)}">Sign out</a></p>`);
    } else {
      send(404, 'Not found', '');
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

function oidcHeaders(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(Object.entries(req.headers)
    .filter((entry): entry is [string, string] => entry[0].startsWith('oidc_') && typeof entry[1] === 'string'));
}

function fingerprint(token: string): string {
  return token ? createHash('sha256').update(token).digest('hex').slice(0, 16) : 'none';
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
