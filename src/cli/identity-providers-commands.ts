import { type Command, Option } from 'commander';

import { type CommandContext, type List, tenantPath } from './command-context.ts';
import { record, type Row, show, table } from './output.ts';

/** `guest-idp idps …`: a tenant's identity providers, direct federation (oidc) and Google. */

function identityProviderPath(tenant: string, id: string): string {
  return `${tenantPath(tenant)}/identityProviders/${encodeURIComponent(id)}`;
}

export function addIdentityProvidersCommands(program: Command, context: CommandContext): void {
  const idps = program.command('idps').description('the tenant\'s identity providers: direct federation (oidc) and Google');
  idps.command('list').argument('<tenant>', 'tenant id').description('list identity providers').action(async (tenant: string, _options, command: Command) => {
    const { api, output } = context(command);
    const list = await api.get<List<Row>>(`${tenantPath(tenant)}/identityProviders`);
    show(output, list, () => table(list.value, ['id', 'type', 'displayName', 'issuer', 'domains']));
  });
  idps.command('show').argument('<tenant>', 'tenant id').argument('<id>', 'identity provider id').description('show one identity provider')
    .action(async (tenant: string, id: string, _options, command: Command) => {
      const { api, output } = context(command);
      const found = await api.get<Row>(identityProviderPath(tenant, id));
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
      const saved = await api.put<Row>(identityProviderPath(tenant, id), {
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
      await api.delete(identityProviderPath(tenant, id));
      show(output, { deleted: id }, () => `Deleted identity provider ${id}.`);
    });
}
