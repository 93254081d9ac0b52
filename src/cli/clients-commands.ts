import type { Command } from 'commander';

import { type CommandContext, type List, tenantPath } from './command-context.ts';
import { record, type Row, show, table } from './output.ts';

/** `guest-idp clients …`: a tenant's relying parties. */

type Client = Row & { client_id: string; client_secret?: string };

const CLIENT_FIELDS = ['client_id', 'client_name', 'application_type', 'token_endpoint_auth_method', 'grant_types', 'redirect_uris', 'roles'];

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
  clients.command('create').argument('<tenant>', 'tenant id').description('register a client; its secret is shown once')
    .requiredOption('--name <name>', 'client name')
    .option('--redirect-uri <uri...>', 'redirect URI(s) of a code-flow app')
    .option('--public', 'a public app (PKCE, no secret)')
    .option('--native', 'a native or command-line app (RFC 8252): public, with http://127.0.0.1/… (any port) or com.example.app:/… redirect URIs')
    .option('--service', 'a service that uses client credentials instead of signing users in')
    .option('--admin', 'with --service: may administer this tenant')
    .action(async (tenant: string, options: { name: string; redirectUri?: string[]; public?: boolean; native?: boolean; service?: boolean; admin?: boolean }, command: Command) => {
      const { api, output } = context(command);
      const created = await api.post<Client>(`${tenantPath(tenant)}/clients`, {
        client_name: options.name,
        ...(options.native ? { application_type: 'native' } : {}),
        ...(options.redirectUri ? { redirect_uris: options.redirectUri } : {}),
        ...(options.public ? { token_endpoint_auth_method: 'none' } : {}),
        ...(options.service ? { grant_types: ['client_credentials'] } : {}),
        ...(options.admin ? { roles: ['admin'] } : {}),
      });
      show(output, created, () => `${record(created, [...CLIENT_FIELDS, 'client_secret'])}${created.client_secret ? '\n\nThe secret is shown only now: keep it safe.' : ''}`);
    });
  clients.command('delete').argument('<tenant>', 'tenant id').argument('<client>', 'client id').description('delete a client')
    .action(async (tenant: string, client: string, _options, command: Command) => {
      const { api, output } = context(command);
      await api.delete(`${tenantPath(tenant)}/clients/${encodeURIComponent(client)}`);
      show(output, { deleted: client }, () => `Deleted client ${client}.`);
    });
}
