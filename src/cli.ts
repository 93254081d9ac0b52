import { Command, CommanderError } from 'commander';

import { addActivityCommands } from './cli/activity-commands.ts';
import { AdminApiError, AdminClient } from './cli/admin-client.ts';
import { addClientsCommands } from './cli/clients-commands.ts';
import type { CommandContext } from './cli/command-context.ts';
import { EXIT, EXIT_CODES_HELP } from './cli/exit-codes.ts';
import { addIdentityProvidersCommands } from './cli/identity-providers-commands.ts';
import { addInvitationCommands } from './cli/invitations-commands.ts';
import type { Output } from './cli/output.ts';
import { addPoliciesCommands } from './cli/policies-commands.ts';
import { addSigningKeysCommands } from './cli/signing-keys-commands.ts';
import { addTenantsCommands } from './cli/tenants-commands.ts';
import { addUsersCommands } from './cli/users-commands.ts';

/**
 * `guest-idp`: the admin API from a shell. Every command is one or a few admin API calls; people
 * get tables, scripts get `--json` and exit codes (see EXIT_CODES_HELP).
 */

export interface CliIo {
  print(text: string): void;
  error(text: string): void;
  env: NodeJS.ProcessEnv;
}

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

/**
 * The program with its global options and every command group. The groups are added after
 * exitOverride and configureOutput because commander copies both into each subcommand it creates.
 */
function buildProgram(io: CliIo): Command {
  const program = new Command('guest-idp')
    .description('Administer guest-idp (tenants, clients, guests, policies) through its admin API.')
    .option('--url <url>', 'guest-idp base URL (env GUEST_IDP_URL)', io.env.GUEST_IDP_URL ?? 'http://localhost:3000')
    .option('--token <token>', 'admin token, or a tenant admin client\'s access token (env GUEST_IDP_TOKEN, else ADMIN_TOKEN)')
    .option('--json', 'print JSON instead of tables, for scripts')
    .addHelpText('after', EXIT_CODES_HELP)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.print(text.trimEnd()), writeErr: (text) => io.error(text.trimEnd()) });

  const context: CommandContext = (command) => {
    const options = command.optsWithGlobals<{ url: string; token?: string; json?: boolean }>();
    const token = options.token ?? io.env.GUEST_IDP_TOKEN ?? io.env.ADMIN_TOKEN;
    if (!token) throw new AdminApiError('no token: pass --token, or set GUEST_IDP_TOKEN or ADMIN_TOKEN', EXIT.notAllowed);
    const output: Output = { json: options.json ?? false, print: io.print };
    return { api: new AdminClient(options.url, token), output };
  };

  addTenantsCommands(program, context);
  addClientsCommands(program, context);
  addInvitationCommands(program, context);
  addUsersCommands(program, context);
  addPoliciesCommands(program, context);
  addIdentityProvidersCommands(program, context);
  addSigningKeysCommands(program, context);
  addActivityCommands(program, context);
  return program;
}
