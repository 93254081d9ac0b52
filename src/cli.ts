import { Command, CommanderError, Option } from 'commander';

import { AdminApiError, AdminClient } from './cli/admin-client.ts';
import { addClientsCommands } from './cli/clients-commands.ts';
import { type CommandContext, type List, tenantPath } from './cli/command-context.ts';
import { EXIT, EXIT_CODES_HELP } from './cli/exit-codes.ts';
import { type Output, record, type Row, show, table } from './cli/output.ts';

/**
 * `guest-idp`: the admin API from a shell. Every command is one or a few admin API calls; people
 * get tables, scripts get `--json` and exit codes (see EXIT_CODES_HELP).
 */

export interface CliIo {
  print(text: string): void;
  error(text: string): void;
  env: NodeJS.ProcessEnv;
}

type Tenant = Row & { id: string };
type User = Row & { id: string; mail: string };

const TENANT_FIELDS = ['id', 'displayName', 'verifiedDomains', 'issuer', 'createdDateTime'];
const USER_COLUMNS = ['id', 'mail', 'displayName', 'userType', 'externalUserState', 'source', 'lastSignInDateTime'];
const USER_FIELDS = [...USER_COLUMNS, 'externalUserStateChangeDateTime', 'createdDateTime'];

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here too, with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof AdminApiError) {
      io.error(`guest-idp: ${error.message}`);
      return error.exitCode;
    }
    io.error(`guest-idp: ${(error as Error).message}`);
    return EXIT.failed;
  }
}

function buildProgram(io: CliIo): Command {
  const program = new Command('guest-idp')
    .description('Administer guest-idp (tenants, clients, guests, policies) through its admin API.')
    .option('--url <url>', 'guest-idp base URL (env GUEST_IDP_URL)', io.env.GUEST_IDP_URL ?? 'http://localhost:3000')
    .option('--token <token>', 'admin token, or a tenant admin client\'s access token (env GUEST_IDP_TOKEN, else ADMIN_TOKEN)')
    .option('--json', 'print JSON instead of tables, for scripts')
    .addHelpText('after', EXIT_CODES_HELP)
    .showHelpAfterError('(add --help for usage)');
  program.configureOutput({ writeOut: (text) => io.print(text.trimEnd()), writeErr: (text) => io.error(text.trimEnd()) });

  const context: CommandContext = (command) => {
    const options = command.optsWithGlobals<{ url: string; token?: string; json?: boolean }>();
    const token = options.token ?? io.env.GUEST_IDP_TOKEN ?? io.env.ADMIN_TOKEN;
    if (!token) throw new AdminApiError('no token: pass --token, or set GUEST_IDP_TOKEN or ADMIN_TOKEN', EXIT.notAllowed);
    const output: Output = { json: options.json ?? false, print: io.print };
    return { api: new AdminClient(options.url, token), output };
  };

  // tenants
  const tenants = program.command('tenants').description('organizations: their issuers, domains and keys');
  tenants.command('list').description('list all tenants').action(async (_options, command: Command) => {
    const { api, output } = context(command);
    const list = await api.get<List<Tenant>>('/admin/tenants');
    show(output, list, () => table(list.value, ['id', 'displayName', 'verifiedDomains', 'issuer']));
  });
  tenants.command('show').argument('<tenant>', 'tenant id').description('show one tenant').action(async (tenant: string, _options, command: Command) => {
    const { api, output } = context(command);
    const found = await api.get<Tenant>(tenantPath(tenant));
    show(output, found, () => record(found, TENANT_FIELDS));
  });
  tenants.command('create').description('create a tenant (signing keys are generated)')
    .requiredOption('--name <displayName>', 'display name')
    .option('--id <id>', 'tenant id (lower-case slug; default: a UUID)')
    .option('--domain <domain...>', 'verified domain(s)')
    .action(async (options: { name: string; id?: string; domain?: string[] }, command: Command) => {
      const { api, output } = context(command);
      const created = await api.post<Tenant>('/admin/tenants', { displayName: options.name, ...(options.id ? { id: options.id } : {}), ...(options.domain ? { verifiedDomains: options.domain } : {}) });
      show(output, created, () => record(created, TENANT_FIELDS));
    });
  tenants.command('update').argument('<tenant>', 'tenant id').description('rename a tenant or replace its verified domains')
    .option('--name <displayName>', 'new display name')
    .option('--domain <domain...>', 'the verified domains, replacing the current ones')
    .action(async (tenant: string, options: { name?: string; domain?: string[] }, command: Command) => {
      const { api, output } = context(command);
      const updated = await api.patch<Tenant>(tenantPath(tenant), { ...(options.name ? { displayName: options.name } : {}), ...(options.domain ? { verifiedDomains: options.domain } : {}) });
      show(output, updated, () => record(updated, TENANT_FIELDS));
    });
  tenants.command('delete').argument('<tenant>', 'tenant id').description('delete a tenant and everything in it').action(async (tenant: string, _options, command: Command) => {
    const { api, output } = context(command);
    await api.delete(tenantPath(tenant));
    show(output, { deleted: tenant }, () => `Deleted tenant ${tenant}.`);
  });

  addClientsCommands(program, context);

  // invitations
  program.command('invite').argument('<tenant>', 'tenant id').argument('<email>', 'the guest\'s email address')
    .description('invite a guest (or re-invite one); prints the redeem link')
    .requiredOption('--redirect <url>', 'where accepting the invitation leads (https)')
    .option('--name <displayName>', 'the guest\'s display name')
    .option('--send', 'mail the invitation to the guest')
    .option('--reset', 'reset the guest\'s redemption: forget how they signed in, sign them out, let them redeem again')
    .action(async (tenant: string, email: string, options: { redirect: string; name?: string; send?: boolean; reset?: boolean }, command: Command) => {
      const { api, output } = context(command);
      const invitation = await invite(api, tenant, email, options);
      show(output, invitation, () => record(invitation, ['id', 'invitedUserEmailAddress', 'status', 'invitedUser', 'sendInvitationMessage', 'inviteRedeemUrl']));
    });

  // users
  const users = program.command('users').description('guests (and members) of a tenant');
  users.command('list').argument('<tenant>', 'tenant id').description('list users, oldest first')
    .addOption(new Option('--state <state>', 'only this externalUserState').choices(['PendingAcceptance', 'Accepted']))
    .addOption(new Option('--source <source>', 'only this sign-in source').choices(['EmailOTP', 'Google', 'HomeTenant', 'ConsumerAccount', 'DirectFederation']))
    .addOption(new Option('--type <userType>', 'only guests or members').choices(['Guest', 'Member']))
    .option('--top <n>', 'page size', '100')
    .action(async (tenant: string, options: { state?: string; source?: string; type?: string; top: string }, command: Command) => {
      const { api, output } = context(command);
      const clauses = [
        options.type ? `userType eq '${options.type}'` : undefined,
        options.state ? `externalUserState eq '${options.state}'` : undefined,
        options.source ? `source eq '${options.source}'` : undefined,
      ].filter(Boolean);
      const query = new URLSearchParams({ $top: options.top, ...(clauses.length ? { $filter: clauses.join(' and ') } : {}) });
      // Follows @odata.nextLink to the end: a listing shows every user that matches.
      const all: User[] = [];
      let path: string | undefined = `${tenantPath(tenant)}/users?${query}`;
      while (path) {
        const page: List<User> = await api.get<List<User>>(path);
        all.push(...page.value);
        path = page['@odata.nextLink'] ? new URL(page['@odata.nextLink']).pathname + new URL(page['@odata.nextLink']).search : undefined;
      }
      show(output, { value: all }, () => table(all, USER_COLUMNS));
    });
  users.command('create').argument('<tenant>', 'tenant id').argument('<email>', 'the member\'s email address')
    .description('add a member: one of the tenant\'s own people, who signs in here and is a guest elsewhere')
    .option('--name <displayName>', 'display name')
    .action(async (tenant: string, email: string, options: { name?: string }, command: Command) => {
      const { api, output } = context(command);
      const created = await api.post<User>(`${tenantPath(tenant)}/users`, { mail: email, ...(options.name ? { displayName: options.name } : {}) });
      show(output, created, () => record(created, USER_FIELDS));
    });
  users.command('show').argument('<tenant>', 'tenant id').argument('<user>', 'user id or email address').description('show one user')
    .action(async (tenant: string, user: string, _options, command: Command) => {
      const { api, output } = context(command);
      const found = await findUser(api, tenant, user);
      show(output, found, () => record(found, USER_FIELDS));
    });
  users.command('delete').argument('<tenant>', 'tenant id').argument('<user>', 'user id or email address')
    .description('delete a user; their sessions, grants and tokens end at once')
    .action(async (tenant: string, user: string, _options, command: Command) => {
      const { api, output } = context(command);
      const found = await findUser(api, tenant, user);
      await api.delete(`${tenantPath(tenant)}/users/${found.id}`);
      show(output, { deleted: found.id, mail: found.mail }, () => `Deleted ${found.mail} (${found.id}).`);
    });
  users.command('reset').argument('<tenant>', 'tenant id').argument('<email>', 'the guest\'s email address')
    .description('reset redemption: forget how the guest signed in, sign them out, and mail a new invitation')
    .requiredOption('--redirect <url>', 'where accepting the new invitation leads (https)')
    .option('--no-send', 'do not mail the new invitation (print its link only)')
    .action(async (tenant: string, email: string, options: { redirect: string; send: boolean }, command: Command) => {
      const { api, output } = context(command);
      const invitation = await invite(api, tenant, email, { redirect: options.redirect, send: options.send, reset: true });
      show(output, invitation, () => record(invitation, ['invitedUserEmailAddress', 'status', 'sendInvitationMessage', 'inviteRedeemUrl']));
    });

  // policies
  const policy = program.command('policy').description('the tenant\'s email one-time passcode policy and redemption order');
  policy.command('get').argument('<tenant>', 'tenant id').description('show the policy').action(async (tenant: string, _options, command: Command) => {
    const { api, output } = context(command);
    const current = await api.get<Row>(`${tenantPath(tenant)}/policies/emailOtp`);
    show(output, current, () => record(current, ['state', 'effectiveState']));
  });
  policy.command('set').argument('<tenant>', 'tenant id')
    .addArgument(new Command().createArgument('<state>', 'default (follow the deployment), enabled or disabled').choices(['default', 'enabled', 'disabled']))
    .description('turn email one-time passcodes on or off for guests')
    .action(async (tenant: string, state: string, _options, command: Command) => {
      const { api, output } = context(command);
      const updated = await api.patch<Row>(`${tenantPath(tenant)}/policies/emailOtp`, { state });
      show(output, updated, () => record(updated, ['state', 'effectiveState']));
    });

  policy.command('redemption').argument('<tenant>', 'tenant id')
    .description('show or change the order of home-realm discovery (Graph\'s invitationRedemptionIdentityProviderConfiguration)')
    .option('--order <providers>', 'comma list of azureActiveDirectory, externalFederation, socialIdentityProviders, each once')
    .addOption(new Option('--fallback <provider>', 'what comes after them').choices(['defaultConfiguredIdp', 'emailOneTimePasscode', 'microsoftAccount']))
    .action(async (tenant: string, options: { order?: string; fallback?: string }, command: Command) => {
      const { api, output } = context(command);
      const path = `${tenantPath(tenant)}/policies/invitationRedemption`;
      const changes = {
        ...(options.order ? { primaryIdentityProviderPrecedenceOrder: options.order.split(',').map((name) => name.trim()) } : {}),
        ...(options.fallback ? { fallbackIdentityProvider: options.fallback } : {}),
      };
      const current = Object.keys(changes).length > 0 ? await api.patch<Row>(path, changes) : await api.get<Row>(path);
      show(output, current, () => record(current, ['primaryIdentityProviderPrecedenceOrder', 'fallbackIdentityProvider']));
    });

  // identity providers
  const idps = program.command('idps').description('the tenant\'s identity providers: direct federation (oidc) and Google');
  idps.command('list').argument('<tenant>', 'tenant id').description('list identity providers').action(async (tenant: string, _options, command: Command) => {
    const { api, output } = context(command);
    const list = await api.get<List<Row>>(`${tenantPath(tenant)}/identityProviders`);
    show(output, list, () => table(list.value, ['id', 'type', 'displayName', 'issuer', 'domains']));
  });
  idps.command('show').argument('<tenant>', 'tenant id').argument('<id>', 'identity provider id').description('show one identity provider')
    .action(async (tenant: string, id: string, _options, command: Command) => {
      const { api, output } = context(command);
      const found = await api.get<Row>(`${tenantPath(tenant)}/identityProviders/${encodeURIComponent(id)}`);
      show(output, found, () => record(found, ['id', 'type', 'displayName', 'issuer', 'clientId', 'domains', 'createdDateTime']));
    });
  idps.command('set').argument('<tenant>', 'tenant id').argument('<id>', 'identity provider id (yours to choose)')
    .description('create or replace an identity provider; its issuer is checked before anything is stored')
    .addOption(new Option('--type <type>', 'oidc (direct federation) or google').choices(['oidc', 'google']).makeOptionMandatory())
    .option('--issuer <url>', 'the provider\'s issuer')
    .requiredOption('--client-id <id>', 'this tenant\'s client id at the provider')
    .option('--client-secret <secret>', 'its client secret (needed when creating; kept when omitted on replace)')
    .option('--domain <domain...>', 'domains whose addresses sign in there')
    .option('--name <displayName>', 'the name guests see')
    .action(async (tenant: string, id: string, options: { type: string; issuer?: string; clientId: string; clientSecret?: string; domain?: string[]; name?: string }, command: Command) => {
      const { api, output } = context(command);
      const saved = await api.put<Row>(`${tenantPath(tenant)}/identityProviders/${encodeURIComponent(id)}`, {
        type: options.type,
        clientId: options.clientId,
        ...(options.issuer ? { issuer: options.issuer } : {}),
        ...(options.clientSecret ? { clientSecret: options.clientSecret } : {}),
        ...(options.domain ? { domains: options.domain } : {}),
        ...(options.name ? { displayName: options.name } : {}),
      });
      show(output, saved, () => record(saved, ['id', 'type', 'displayName', 'issuer', 'clientId', 'domains']));
    });
  idps.command('delete').argument('<tenant>', 'tenant id').argument('<id>', 'identity provider id').description('delete an identity provider')
    .action(async (tenant: string, id: string, _options, command: Command) => {
      const { api, output } = context(command);
      await api.delete(`${tenantPath(tenant)}/identityProviders/${encodeURIComponent(id)}`);
      show(output, { deleted: id }, () => `Deleted identity provider ${id}.`);
    });

  // signing keys
  const keys = program.command('keys').description('the tenant\'s signing keys');
  keys.command('list').argument('<tenant>', 'tenant id').description('list signing keys (public facts only)').action(async (tenant: string, _options, command: Command) => {
    const { api, output } = context(command);
    const list = await api.get<List<Row>>(`${tenantPath(tenant)}/signingKeys`);
    show(output, list, () => table(list.value, ['kid', 'alg', 'status', 'createdDateTime', 'publishedUntil']));
  });
  keys.command('rotate').argument('<tenant>', 'tenant id').description('promote the published next key and publish a new one').action(async (tenant: string, _options, command: Command) => {
    const { api, output } = context(command);
    const list = await api.post<List<Row>>(`${tenantPath(tenant)}/signingKeys/rotate`);
    show(output, list, () => table(list.value, ['kid', 'alg', 'status', 'createdDateTime', 'publishedUntil']));
  });

  for (const command of [program, ...allCommands(program)]) {
    command.exitOverride();
    command.configureOutput({ writeOut: (text) => io.print(text.trimEnd()), writeErr: (text) => io.error(text.trimEnd()) });
  }
  return program;
}

function allCommands(command: Command): Command[] {
  return command.commands.flatMap((child) => [child, ...allCommands(child)]);
}

function invite(api: AdminClient, tenant: string, email: string, options: { redirect: string; name?: string; send?: boolean; reset?: boolean }) {
  return api.post<Row>(`${tenantPath(tenant)}/invitations`, {
    invitedUserEmailAddress: email,
    inviteRedirectUrl: options.redirect,
    ...(options.name ? { invitedUserDisplayName: options.name } : {}),
    sendInvitationMessage: options.send ?? false,
    resetRedemption: options.reset ?? false,
  });
}

/** A user named by id, or by address (looked up with `$filter=mail eq`). */
async function findUser(api: AdminClient, tenant: string, idOrEmail: string): Promise<User> {
  const base = `${tenantPath(tenant)}/users`;
  if (!idOrEmail.includes('@')) return api.get<User>(`${base}/${encodeURIComponent(idOrEmail)}`);
  const found = await api.get<List<User>>(`${base}?${new URLSearchParams({ $filter: `mail eq '${idOrEmail.replaceAll("'", "''")}'` })}`);
  const user = found.value[0];
  if (!user) throw new AdminApiError(`no user with the address ${idOrEmail} in tenant ${tenant}`, EXIT.notFound);
  return user;
}
