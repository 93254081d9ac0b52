import type { Command } from 'commander';

import type { AdminClient } from './admin-client.ts';
import { type CommandContext, tenantPath } from './command-context.ts';
import { record, type Row, show } from './output.ts';

/** `guest-idp invite …`: invite a guest, or re-invite one (`users reset` is the same call with a reset). */

export interface InvitationOptions {
  redirect: string;
  name?: string;
  send?: boolean;
  reset?: boolean;
}

/** `POST /admin/tenants/{t}/invitations`: the invitation, with its redeem link. */
export function invite(api: AdminClient, tenant: string, email: string, options: InvitationOptions): Promise<Row> {
  return api.post<Row>(`${tenantPath(tenant)}/invitations`, {
    invitedUserEmailAddress: email,
    inviteRedirectUrl: options.redirect,
    ...(options.name ? { invitedUserDisplayName: options.name } : {}),
    sendInvitationMessage: options.send ?? false,
    resetRedemption: options.reset ?? false,
  });
}

export function addInvitationCommands(program: Command, context: CommandContext): void {
  program.command('invite').argument('<tenant>', 'tenant id').argument('<email>', 'the guest\'s email address')
    .description('invite a guest (or re-invite one); prints the redeem link')
    .requiredOption('--redirect <url>', 'where accepting the invitation leads (https)')
    .option('--name <displayName>', 'the guest\'s display name')
    .option('--send', 'mail the invitation to the guest')
    .option('--reset', 'reset the guest\'s redemption: forget how they signed in, sign them out, let them redeem again')
    .action(async (tenant: string, email: string, options: InvitationOptions, command: Command) => {
      const { api, output } = context(command);
      const invitation = await invite(api, tenant, email, options);
      show(output, invitation, () => record(invitation, ['id', 'invitedUserEmailAddress', 'status', 'invitedUser.id', 'sendInvitationMessage', 'inviteRedeemUrl']));
    });
}
