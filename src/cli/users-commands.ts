import { type Command, Option } from 'commander';

import { type AdminClient, AdminApiError } from './admin-client.ts';
import { type CommandContext, type List, tenantPath } from './command-context.ts';
import { EXIT } from './exit-codes.ts';
import { invite } from './invitations-commands.ts';
import { record, type Row, show, table } from './output.ts';

/**
 * `guest-idp users …`: a tenant's guests and members. A user is named by id or by email address,
 * whichever the administrator has at hand.
 */

type User = Row & { id: string; mail: string };

/** The API's member roles (src/guests/user.ts MEMBER_ROLES), for the help text; the API checks them. */
const MEMBER_ROLE_NAMES = ['admin', 'guestInviter'];

const USER_COLUMNS = ['id', 'mail', 'displayName', 'userType', 'externalUserState', 'source', 'lastSignInDateTime'];
const USER_FIELDS = [...USER_COLUMNS, 'accountEnabled', 'roles', 'externalUserStateChangeDateTime', 'createdDateTime'];

/** A user named by id, or by address (looked up with `$filter=mail eq`). */
async function findUser(api: AdminClient, tenant: string, idOrEmail: string): Promise<User> {
  const base = `${tenantPath(tenant)}/users`;
  if (!idOrEmail.includes('@')) return api.get<User>(`${base}/${encodeURIComponent(idOrEmail)}`);
  const found = await api.get<List<User>>(`${base}?${new URLSearchParams({ $filter: `mail eq '${idOrEmail.replaceAll("'", "''")}'` })}`);
  const user = found.value[0];
  if (!user) throw new AdminApiError(`no user with the address ${idOrEmail} in tenant ${tenant}`, EXIT.notFound);
  return user;
}

export function addUsersCommands(program: Command, context: CommandContext): void {
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
  users.command('update').argument('<tenant>', 'tenant id').argument('<user>', 'user id or email address')
    .description('change a user: display name, a member\'s roles, or block sign-in (which ends their sessions and tokens at once)')
    .option('--display-name <displayName>', 'display name')
    .option('--roles <roles>', `a member's directory roles, comma-separated (${MEMBER_ROLE_NAMES.join(', ')}); "" for none`)
    .addOption(new Option('--block', 'block sign-in: end the user\'s sessions and tokens, refuse every sign-in').conflicts('unblock'))
    .addOption(new Option('--unblock', 'let the user sign in again'))
    .action(async (tenant: string, user: string, options: { displayName?: string; roles?: string; block?: boolean; unblock?: boolean }, command: Command) => {
      const { api, output } = context(command);
      const changes = {
        ...(options.displayName !== undefined ? { displayName: options.displayName } : {}),
        ...(options.roles !== undefined ? { roles: options.roles.split(',').map((role) => role.trim()).filter(Boolean) } : {}),
        ...(options.block ? { accountEnabled: false } : options.unblock ? { accountEnabled: true } : {}),
      };
      if (Object.keys(changes).length === 0) throw new AdminApiError('nothing to change: give --display-name, --roles, --block or --unblock', EXIT.usage);
      const found = await findUser(api, tenant, user);
      const updated = await api.patch<User>(`${tenantPath(tenant)}/users/${found.id}`, changes);
      show(output, updated, () => record(updated, USER_FIELDS));
    });
  users.command('delete').argument('<tenant>', 'tenant id').argument('<user>', 'user id or email address')
    .description('delete a user; their sessions, grants and tokens end at once')
    .action(async (tenant: string, user: string, _options, command: Command) => {
      const { api, output } = context(command);
      const found = await findUser(api, tenant, user);
      await api.delete(`${tenantPath(tenant)}/users/${found.id}`);
      show(output, { deleted: found.id, mail: found.mail }, () => `Deleted ${found.mail} (${found.id}).`);
    });
  users.command('methods').argument('<tenant>', 'tenant id').argument('<user>', 'user id or email address')
    .description('list the user\'s second factors (authenticator apps, passkeys, recovery codes)')
    .action(async (tenant: string, user: string, _options, command: Command) => {
      const { api, output } = context(command);
      const found = await findUser(api, tenant, user);
      const methods = await api.get<List<Row>>(`${tenantPath(tenant)}/users/${found.id}/authenticationMethods`);
      show(output, methods, () => table(methods.value, ['id', 'type', 'displayName', 'createdDateTime', 'lastUsedDateTime', 'remaining']));
    });
  users.command('delete-method').argument('<tenant>', 'tenant id').argument('<user>', 'user id or email address').argument('<method>', 'the method\'s id (users methods)')
    .description('delete one of the user\'s second factors: they set one up again at their next sign-in that needs it')
    .action(async (tenant: string, user: string, method: string, _options, command: Command) => {
      const { api, output } = context(command);
      const found = await findUser(api, tenant, user);
      await api.delete(`${tenantPath(tenant)}/users/${found.id}/authenticationMethods/${encodeURIComponent(method)}`);
      show(output, { deleted: method, user: found.id }, () => `Deleted method ${method} of ${found.mail}.`);
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
}
