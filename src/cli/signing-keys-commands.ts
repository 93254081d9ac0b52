import type { Command } from 'commander';

import { type CommandContext, type List, tenantPath } from './command-context.ts';
import { type Row, show, table } from './output.ts';

/** `guest-idp keys …`: a tenant's signing keys, public facts only, and their rotation. */

const KEY_COLUMNS = ['kid', 'alg', 'status', 'createdDateTime', 'publishedUntil'];

export function addSigningKeysCommands(program: Command, context: CommandContext): void {
  const keys = program.command('keys').description('the tenant\'s signing keys');
  keys.command('list').argument('<tenant>', 'tenant id').description('list signing keys (public facts only)').action(async (tenant: string, _options, command: Command) => {
    const { api, output } = context(command);
    const list = await api.get<List<Row>>(`${tenantPath(tenant)}/signingKeys`);
    show(output, list, () => table(list.value, KEY_COLUMNS));
  });
  keys.command('rotate').argument('<tenant>', 'tenant id').description('promote the published next key and publish a new one').action(async (tenant: string, _options, command: Command) => {
    const { api, output } = context(command);
    const list = await api.post<List<Row>>(`${tenantPath(tenant)}/signingKeys/rotate`);
    show(output, list, () => table(list.value, KEY_COLUMNS));
  });
}
