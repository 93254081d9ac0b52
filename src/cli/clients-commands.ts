import { type Command, Option } from 'commander';

import { type CommandContext, type List, tenantPath } from './command-context.ts';
import { record, type Row, show, table } from './output.ts';

/**
 * `guest-idp clients …`: a tenant's relying parties. `create` has a flag for every field of
 * `POST /admin/tenants/{t}/clients` and passes the values through unchanged: the admin API checks
 * them, and its 400 message is what the administrator reads (exit code 4).
 */

type Client = Row & { client_id: string; client_secret?: string };

const CLIENT_FIELDS = [
  'client_id', 'client_name', 'application_type', 'token_endpoint_auth_method', 'grant_types', 'redirect_uris',
  'post_logout_redirect_uris', 'id_token_signed_response_alg', 'backchannel_logout_uri', 'backchannel_logout_session_required', 'roles',
];

interface CreateOptions {
  name: string;
  redirectUri?: string[];
  postLogoutRedirectUri?: string[];
  native?: boolean;
  public?: boolean;
  authMethod?: string;
  service?: boolean;
  grantType?: string[];
  admin?: boolean;
  role?: string[];
  idTokenAlg?: string;
  backchannelLogoutUri?: string;
  backchannelLogoutSessionRequired?: boolean;
}

/** The request body of `clients create`: only the fields given, so the API's defaults apply to the rest. */
function createClientRequest(options: CreateOptions): Row {
  const grantTypes = options.service ? ['client_credentials'] : options.grantType;
  const roles = options.admin ? ['admin'] : options.role;
  return {
    client_name: options.name,
    ...(options.native ? { application_type: 'native' } : {}),
    ...(options.redirectUri ? { redirect_uris: options.redirectUri } : {}),
    ...(options.postLogoutRedirectUri ? { post_logout_redirect_uris: options.postLogoutRedirectUri } : {}),
    ...(options.public ? { token_endpoint_auth_method: 'none' } : {}),
    ...(options.authMethod ? { token_endpoint_auth_method: options.authMethod } : {}),
    ...(grantTypes ? { grant_types: grantTypes } : {}),
    ...(roles ? { roles } : {}),
    ...(options.idTokenAlg ? { id_token_signed_response_alg: options.idTokenAlg } : {}),
    ...(options.backchannelLogoutUri ? { backchannel_logout_uri: options.backchannelLogoutUri } : {}),
    ...(options.backchannelLogoutSessionRequired ? { backchannel_logout_session_required: true } : {}),
  };
}

export function addClientsCommands(program: Command, context: CommandContext): void {
  const clients = program.command('clients').description('relying-party apps of a tenant');
  clients.command('list').argument('<tenant>', 'tenant id').description('list the tenant\'s clients').action(async (tenant: string, _options, command: Command) => {
    const { api, output } = context(command);
    const list = await api.get<List<Client>>(`${tenantPath(tenant)}/clients`);
    show(output, list, () => table(list.value, ['client_id', 'client_name', 'token_endpoint_auth_method', 'grant_types', 'roles']));
  });
  clients.command('show').argument('<tenant>', 'tenant id').argument('<client>', 'client id').description('show one client')
    .action(async (tenant: string, client: string, _options, command: Command) => {
      const { api, output } = context(command);
      const found = await api.get<Client>(`${tenantPath(tenant)}/clients/${encodeURIComponent(client)}`);
      show(output, found, () => record(found, CLIENT_FIELDS));
    });
  // The shorthands (--public, --service, --admin) and the fields they set cannot be mixed: which would win is a guess.
  clients.command('create').argument('<tenant>', 'tenant id').description('register a client; its secret is shown once')
    .requiredOption('--name <name>', 'client name')
    .option('--redirect-uri <uri...>', 'redirect URI(s) of a code-flow app')
    .option('--post-logout-redirect-uri <uri...>', 'post_logout_redirect_uris: where the app may send the guest after signing out')
    .option('--native', 'a native or command-line app (RFC 8252): public, with http://127.0.0.1/… (any port) or com.example.app:/… redirect URIs')
    .addOption(new Option('--public', 'a public app (PKCE, no secret): --auth-method none').conflicts('authMethod'))
    .option('--auth-method <method>', 'token_endpoint_auth_method: client_secret_basic (web default), client_secret_post or none (native default)')
    .addOption(new Option('--service', 'a service that uses client credentials instead of signing users in: --grant-type client_credentials').conflicts('grantType'))
    .option('--grant-type <grant...>', 'grant_types: authorization_code, refresh_token, client_credentials (default: authorization_code refresh_token)')
    .addOption(new Option('--admin', 'with --service: may administer this tenant: --role admin').conflicts('role'))
    .option('--role <role...>', 'roles: admin (with the client_credentials grant)')
    .option('--id-token-alg <RS256|ES256>', 'id_token_signed_response_alg: how its ID tokens are signed (default: the tenant\'s idTokenSigningAlgorithm, RS256 unless changed)')
    .option('--backchannel-logout-uri <uri>', 'backchannel_logout_uri: where the app\'s server gets a logout token when the guest signs out (https; http only on localhost)')
    .option('--backchannel-logout-session-required', 'backchannel_logout_session_required: its logout and ID tokens carry sid (needs --backchannel-logout-uri)')
    .action(async (tenant: string, options: CreateOptions, command: Command) => {
      const { api, output } = context(command);
      const created = await api.post<Client>(`${tenantPath(tenant)}/clients`, createClientRequest(options));
      show(output, created, () => `${record(created, [...CLIENT_FIELDS, 'client_secret'])}${created.client_secret ? '\n\nThe secret is shown only now: keep it safe.' : ''}`);
    });
  clients.command('delete').argument('<tenant>', 'tenant id').argument('<client>', 'client id').description('delete a client')
    .action(async (tenant: string, client: string, _options, command: Command) => {
      const { api, output } = context(command);
      await api.delete(`${tenantPath(tenant)}/clients/${encodeURIComponent(client)}`);
      show(output, { deleted: client }, () => `Deleted client ${client}.`);
    });
}
