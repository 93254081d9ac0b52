import type { Command } from 'commander';

import type { AdminClient } from './admin-client.ts';
import type { Output } from './output.ts';

/** What every command's action works with: the admin API (URL and token from the global options) and the output. */
export type CommandContext = (command: Command) => { api: AdminClient; output: Output };

/** A Graph-style collection, as the admin API lists things. */
export type List<T> = { value: T[]; '@odata.nextLink'?: string };

export function tenantPath(tenant: string): string {
  return `/admin/tenants/${encodeURIComponent(tenant)}`;
}
