import { Command, Option } from 'commander';

import { type CommandContext, tenantPath } from './command-context.ts';
import { record, type Row, show } from './output.ts';

/** `guest-idp policy …`: a tenant's email one-time passcode policy and its redemption order (home-realm discovery). */

const EMAIL_OTP_FIELDS = ['state', 'effectiveState'];

function emailOtpPolicyPath(tenant: string): string {
  return `${tenantPath(tenant)}/policies/emailOtp`;
}

export function addPoliciesCommands(program: Command, context: CommandContext): void {
  const policy = program.command('policy').description('the tenant\'s email one-time passcode policy and redemption order');
  policy.command('get').argument('<tenant>', 'tenant id').description('show the policy').action(async (tenant: string, _options, command: Command) => {
    const { api, output } = context(command);
    const current = await api.get<Row>(emailOtpPolicyPath(tenant));
    show(output, current, () => record(current, EMAIL_OTP_FIELDS));
  });
  policy.command('set').argument('<tenant>', 'tenant id')
    .addArgument(new Command().createArgument('<state>', 'default (follow the deployment), enabled or disabled').choices(['default', 'enabled', 'disabled']))
    .description('turn email one-time passcodes on or off for guests')
    .action(async (tenant: string, state: string, _options, command: Command) => {
      const { api, output } = context(command);
      const updated = await api.patch<Row>(emailOtpPolicyPath(tenant), { state });
      show(output, updated, () => record(updated, EMAIL_OTP_FIELDS));
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

  policy.command('mfa').argument('<tenant>', 'tenant id')
    .description('show or change the second factor for guests (policies/guestMfa)')
    .addOption(new Option('--state <state>', 'enabled or disabled').choices(['enabled', 'disabled']))
    .option('--methods <methods>', 'comma list of totp, passkey')
    .option('--sources <sources>', 'only guests who redeemed with one of these (EmailOTP, Google, HomeTenant, ConsumerAccount, DirectFederation)')
    .option('--apps <clientIds>', 'only sign-ins to these apps (client ids)')
    .addOption(new Option('--everyone', 'every guest and every app (clears --sources and --apps)').conflicts(['sources', 'apps']))
    .action(async (tenant: string, options: { state?: string; methods?: string; sources?: string; apps?: string; everyone?: boolean }, command: Command) => {
      const { api, output } = context(command);
      const path = `${tenantPath(tenant)}/policies/guestMfa`;
      const list = (text: string) => text.split(',').map((item) => item.trim()).filter(Boolean);
      const scoped = options.sources !== undefined || options.apps !== undefined || options.everyone;
      const changes = {
        ...(options.state ? { state: options.state } : {}),
        ...(options.methods !== undefined ? { methods: list(options.methods) } : {}),
        ...(scoped ? {
          appliesTo: {
            ...(options.sources !== undefined ? { sources: list(options.sources) } : {}),
            ...(options.apps !== undefined ? { clientIds: list(options.apps) } : {}),
          },
        } : {}),
      };
      const current = Object.keys(changes).length > 0 ? await api.patch<Row>(path, changes) : await api.get<Row>(path);
      show(output, current, () => record(current, ['state', 'methods', 'appliesTo']));
    });
}
