import type { Command } from 'commander';

import { type CommandContext, type List, tenantPath } from './command-context.ts';
import { record, type Row, show, table } from './output.ts';

/** `guest-idp tenants …`: organizations, their issuers and verified domains (signing keys come with `create`). */

type Tenant = Row & { id: string };

const TENANT_FIELDS = ['id', 'displayName', 'verifiedDomains', 'idTokenSigningAlgorithm', 'issuer', 'createdDateTime'];
const ID_TOKEN_ALG_HELP = 'idTokenSigningAlgorithm: how ID tokens are signed for apps that registered no algorithm of their own (default RS256)';

/** The body field for --id-token-alg; the admin API checks the value and answers with what is allowed. */
function idTokenAlgorithm(options: { idTokenAlg?: string }): { idTokenSigningAlgorithm?: string } {
  return options.idTokenAlg ? { idTokenSigningAlgorithm: options.idTokenAlg } : {};
}

export function addTenantsCommands(program: Command, context: CommandContext): void {
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
    .option('--id-token-alg <RS256|ES256>', ID_TOKEN_ALG_HELP)
    .action(async (options: { name: string; id?: string; domain?: string[]; idTokenAlg?: string }, command: Command) => {
      const { api, output } = context(command);
      const created = await api.post<Tenant>('/admin/tenants', {
        displayName: options.name, ...(options.id ? { id: options.id } : {}), ...(options.domain ? { verifiedDomains: options.domain } : {}), ...idTokenAlgorithm(options),
      });
      show(output, created, () => record(created, TENANT_FIELDS));
    });
  tenants.command('update').argument('<tenant>', 'tenant id').description('rename a tenant, replace its verified domains or change how its ID tokens are signed')
    .option('--name <displayName>', 'new display name')
    .option('--domain <domain...>', 'the verified domains, replacing the current ones')
    .option('--id-token-alg <RS256|ES256>', ID_TOKEN_ALG_HELP)
    .action(async (tenant: string, options: { name?: string; domain?: string[]; idTokenAlg?: string }, command: Command) => {
      const { api, output } = context(command);
      const updated = await api.patch<Tenant>(tenantPath(tenant), {
        ...(options.name ? { displayName: options.name } : {}), ...(options.domain ? { verifiedDomains: options.domain } : {}), ...idTokenAlgorithm(options),
      });
      show(output, updated, () => record(updated, TENANT_FIELDS));
    });
  tenants.command('delete').argument('<tenant>', 'tenant id').description('delete a tenant and everything in it').action(async (tenant: string, _options, command: Command) => {
    const { api, output } = context(command);
    await api.delete(tenantPath(tenant));
    show(output, { deleted: tenant }, () => `Deleted tenant ${tenant}.`);
  });
}
