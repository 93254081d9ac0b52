import { runCli, runCliJson } from '../support/cli.ts';
import { GuestAgent } from '../support/guest-agent.ts';
import { type RunningIdp, startIdp, TEST_ADMIN_TOKEN } from '../support/idp.ts';
import { signInWithCode } from '../support/sign-in.ts';
import { type SmtpListener, startSmtpListener } from '../support/smtp.ts';
import { startUpstreamIdp } from '../support/upstream-idp.ts';

/**
 * The CLI as an administrator runs it: the package's bin in a child process against a running
 * server, checking what it prints and how it exits. The whole guest lifecycle, from the shell.
 */

let smtp: SmtpListener;
let idp: RunningIdp;

function cli(args: string[], env: Record<string, string> = {}) {
  return runCli(idp.baseUrl, args, env);
}

function json(args: string[]) {
  return runCliJson(idp.baseUrl, args);
}

beforeAll(async () => {
  smtp = await startSmtpListener();
  idp = await startIdp({ env: { SMTP_URL: smtp.url } });
});

afterAll(async () => {
  await idp.close();
  await smtp.close();
});

test('the whole guest lifecycle from the CLI, each step visible in the users list', async () => {
  const created = await cli(['tenants', 'create', '--id', 'woodgrove', '--name', 'Woodgrove Bank', '--domain', 'woodgrove.example']);
  expect(created.code).toBe(0);
  expect(created.stdout).toMatch(/^id:\s+woodgrove$/m);
  expect(created.stdout).toMatch(/^issuer:\s+http:\/\/127\.0\.0\.1:\d+\/woodgrove\/v2\.0$/m);

  const app = await json(['clients', 'create', 'woodgrove', '--name', 'Loans portal', '--redirect-uri', 'https://loans.woodgrove.example/callback']);
  expect(app.client_secret).toEqual(expect.any(String));
  const listedClients = await cli(['clients', 'list', 'woodgrove']);
  expect(listedClients.stdout).toContain('Loans portal');
  const native = await cli(['clients', 'create', 'woodgrove', '--name', 'Loans CLI', '--native', '--redirect-uri', 'http://127.0.0.1/callback', 'com.woodgrove.loans:/callback']);
  expect(native.code).toBe(0);
  expect(native.stdout).toMatch(/^application_type:\s+native$/m);
  expect(native.stdout).toMatch(/^token_endpoint_auth_method:\s+none$/m);
  expect(native.stdout).not.toContain('The secret is shown only now');
  const localhost = await cli(['clients', 'create', 'woodgrove', '--name', 'Loans CLI', '--native', '--redirect-uri', 'http://localhost/callback']);
  expect(localhost.code).toBe(4);
  expect(localhost.stderr).toMatch(/must not use localhost for a native app/);

  const invitation = await json(['invite', 'woodgrove', 'Ana.Silva@Partner.example', '--redirect', 'https://loans.woodgrove.example/', '--name', 'Ana Silva', '--send']);
  expect(invitation).toMatchObject({ status: 'PendingAcceptance', invitedUserEmailAddress: 'ana.silva@partner.example' });
  await smtp.nextMessageTo('ana.silva@partner.example');

  const pending = await cli(['users', 'list', 'woodgrove']);
  expect(pending.code).toBe(0);
  expect(pending.stdout.split('\n')[0]).toMatch(/^id\s+mail\s+displayName\s+userType\s+externalUserState\s+source\s+lastSignInDateTime$/);
  expect(pending.stdout).toMatch(/ana\.silva@partner\.example\s+Ana Silva\s+Guest\s+PendingAcceptance\s+-\s+-/);

  // The guest signs in with a code: redeemed, source EmailOTP.
  const fixture = { tenantId: 'woodgrove', issuer: `${idp.baseUrl}/woodgrove/v2.0`, app, redirectUri: 'https://loans.woodgrove.example/callback' };
  await signInWithCode(new GuestAgent(), fixture, 'ana.silva@partner.example', smtp);
  const accepted = await json(['users', 'list', 'woodgrove', '--source', 'EmailOTP']);
  expect(accepted.value).toEqual([expect.objectContaining({ mail: 'ana.silva@partner.example', externalUserState: 'Accepted', source: 'EmailOTP' })]);
  expect((await json(['users', 'list', 'woodgrove', '--state', 'PendingAcceptance'])).value).toEqual([]);
  const shown = await cli(['users', 'show', 'woodgrove', 'ana.silva@partner.example']);
  expect(shown.stdout).toMatch(/^externalUserState:\s+Accepted$/m);

  // Reset: pending again, a new invitation mailed.
  const reset = await json(['users', 'reset', 'woodgrove', 'ana.silva@partner.example', '--redirect', 'https://loans.woodgrove.example/']);
  expect(reset).toMatchObject({ status: 'PendingAcceptance', sendInvitationMessage: true });
  await smtp.nextMessageTo('ana.silva@partner.example');
  expect((await json(['users', 'show', 'woodgrove', 'ana.silva@partner.example']))).toMatchObject({ externalUserState: 'PendingAcceptance', source: null });

  // Policy
  expect(await json(['policy', 'get', 'woodgrove'])).toEqual({ state: 'default', effectiveState: 'enabled' });
  const disabled = await cli(['policy', 'set', 'woodgrove', 'disabled']);
  expect(disabled.stdout).toMatch(/^effectiveState:\s+disabled$/m);

  // Keys
  const keys = await cli(['keys', 'list', 'woodgrove']);
  expect(keys.stdout).toMatch(/RS256\s+current/);
  const rotated = await json(['keys', 'rotate', 'woodgrove']);
  expect(rotated.value.filter((key: { status: string }) => key.status === 'retired')).toHaveLength(2);

  // Delete: gone from the list.
  const deleted = await cli(['users', 'delete', 'woodgrove', 'ana.silva@partner.example']);
  expect(deleted.stdout).toMatch(/^Deleted ana\.silva@partner\.example \(/);
  expect((await json(['users', 'list', 'woodgrove'])).value).toEqual([]);

  expect((await cli(['tenants', 'list'])).stdout).toMatch(/woodgrove\s+Woodgrove Bank\s+woodgrove\.example/);
  expect((await cli(['tenants', 'delete', 'woodgrove'])).code).toBe(0);
  expect((await cli(['tenants', 'show', 'woodgrove'])).code).toBe(3);
});

test('a tenant\'s ID token algorithm, set at creation and changed, shown by tenants show', async () => {
  const created = await cli(['tenants', 'create', '--id', 'proseware', '--name', 'Proseware', '--id-token-alg', 'ES256']);
  expect({ code: created.code, stderr: created.stderr }).toEqual({ code: 0, stderr: '' });
  expect(created.stdout).toMatch(/^idTokenSigningAlgorithm:\s+ES256$/m);
  expect((await cli(['tenants', 'update', 'proseware', '--id-token-alg', 'RS256'])).stdout).toMatch(/^idTokenSigningAlgorithm:\s+RS256$/m);
  expect((await cli(['tenants', 'show', 'proseware'])).stdout).toMatch(/^idTokenSigningAlgorithm:\s+RS256$/m);
  const refused = await cli(['tenants', 'update', 'proseware', '--id-token-alg', 'HS256']);
  expect(refused).toEqual({ code: 4, stdout: '', stderr: 'guest-idp: Invalid request body: idTokenSigningAlgorithm: must be one of RS256, ES256.\n' });
});

test('a client registered with every field the admin API takes, back-channel logout included', async () => {
  expect((await cli(['tenants', 'create', '--id', 'alpine', '--name', 'Alpine Ski House'])).code).toBe(0);
  const created = await cli(['clients', 'create', 'alpine', '--name', 'Lift passes',
    '--redirect-uri', 'https://passes.alpine.example/callback',
    '--post-logout-redirect-uri', 'https://passes.alpine.example/signed-out', '--post-logout-redirect-uri', 'https://passes.alpine.example/',
    '--grant-type', 'authorization_code', '--auth-method', 'client_secret_post', '--id-token-alg', 'ES256',
    '--backchannel-logout-uri', 'https://passes.alpine.example/backchannel-logout', '--backchannel-logout-session-required']);
  expect({ code: created.code, stderr: created.stderr }).toEqual({ code: 0, stderr: '' });
  const expected = {
    post_logout_redirect_uris: 'https://passes.alpine.example/signed-out, https://passes.alpine.example/',
    grant_types: 'authorization_code',
    token_endpoint_auth_method: 'client_secret_post',
    id_token_signed_response_alg: 'ES256',
    backchannel_logout_uri: 'https://passes.alpine.example/backchannel-logout',
    backchannel_logout_session_required: 'true',
  };
  const fields = (stdout: string) => Object.fromEntries(Object.keys(expected).map((field) => [field, stdout.match(new RegExp(`^${field}:\\s+(.*)$`, 'm'))?.[1]]));
  expect(fields(created.stdout)).toEqual(expected);
  const clientId = created.stdout.match(/^client_id:\s+(\S+)$/m)?.[1];
  expect(fields((await cli(['clients', 'show', 'alpine', clientId ?? '-'])).stdout)).toEqual(expected);

  // What the API stored, read without the CLI.
  const stored = await fetch(`${idp.baseUrl}/admin/tenants/alpine/clients/${clientId}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
  expect(await stored.json()).toMatchObject({
    client_name: 'Lift passes',
    post_logout_redirect_uris: ['https://passes.alpine.example/signed-out', 'https://passes.alpine.example/'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_post',
    id_token_signed_response_alg: 'ES256',
    backchannel_logout_uri: 'https://passes.alpine.example/backchannel-logout',
    backchannel_logout_session_required: true,
  });
});

test('a refused client field: the CLI prints the admin API\'s own message and exits 4, nothing registered', async () => {
  expect((await cli(['tenants', 'create', '--id', 'fourth-coffee', '--name', 'Fourth Coffee'])).code).toBe(0);
  const body = { client_name: 'Orders', redirect_uris: ['https://orders.fourthcoffee.example/callback'], backchannel_logout_uri: 'http://orders.fourthcoffee.example/logout' };
  const api = await fetch(`${idp.baseUrl}/admin/tenants/fourth-coffee/clients`, {
    method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  expect(api.status).toBe(400);
  const { error } = await api.json() as { error: { message: string } };
  expect(error.message).toMatch(/^Invalid request body: backchannel_logout_uri: /);

  const run = await cli(['clients', 'create', 'fourth-coffee', '--name', body.client_name, '--redirect-uri', ...body.redirect_uris, '--backchannel-logout-uri', body.backchannel_logout_uri]);
  expect(run).toEqual({ code: 4, stdout: '', stderr: `guest-idp: ${error.message}\n` });
  expect((await json(['clients', 'list', 'fourth-coffee'])).value).toEqual([]);
});

describe('exit codes scripts can rely on', () => {
  beforeAll(async () => {
    expect((await cli(['tenants', 'create', '--id', 'tailspin', '--name', 'Tailspin'])).code).toBe(0);
  });

  test.each([
    ['no token at all', ['tenants', 'list'], { GUEST_IDP_TOKEN: '' }, 5, /no token/],
    ['a wrong token', ['tenants', 'list', '--token', 'wrong'], {}, 5, /admin token/],
    ['an unknown tenant', ['users', 'list', 'nowhere'], {}, 3, /does not exist/],
    ['an unknown user', ['users', 'show', 'tailspin', 'nobody@partner.example'], {}, 3, /no user with the address/],
    ['invalid input', ['invite', 'tailspin', 'not-an-address', '--redirect', 'https://apps.example/'], {}, 4, /invitedUserEmailAddress/],
    ['a javascript: redirect', ['invite', 'tailspin', 'a@partner.example', '--redirect', 'javascript:alert(1)'], {}, 4, /inviteRedirectUrl/],
    ['a conflict', ['tenants', 'create', '--id', 'tailspin', '--name', 'Again'], {}, 4, /already exists/],
    ['an unknown command', ['frobnicate'], {}, 2, /unknown command/],
    ['a missing argument', ['users', 'show', 'tailspin'], {}, 2, /missing required argument/],
    ['a bad choice', ['policy', 'set', 'tailspin', 'sometimes'], {}, 2, /Allowed choices/],
    ['a shorthand with the field it sets', ['clients', 'create', 'tailspin', '--name', 'App', '--public', '--auth-method', 'client_secret_post'], {}, 2, /'--public' cannot be used with option '--auth-method/],
    ['a server that is not there', ['tenants', 'list', '--url', 'http://127.0.0.1:9'], {}, 1, /cannot reach/],
  ])('%s', async (_case, args, env, code, message) => {
    const run = await cli(args, env as Record<string, string>);
    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  test('--help works on every command and exits 0', async () => {
    for (const args of [[], ['tenants'], ['tenants', 'create'], ['clients', 'create'], ['invite'], ['users', 'list'], ['users', 'reset'], ['policy', 'set'], ['keys', 'rotate']]) {
      const run = await cli([...args, '--help']);
      expect({ args, code: run.code }).toEqual({ args, code: 0 });
      expect(run.stdout).toMatch(/^Usage: guest-idp/);
    }
  });

  test('a tenant administrator uses the CLI with its own token, for its own tenant only', async () => {
    const service = await json(['clients', 'create', 'tailspin', '--name', 'Tailspin provisioning', '--service', '--admin']);
    const tokenResponse = await fetch(`${idp.baseUrl}/tailspin/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${service.client_id}:${service.client_secret}`).toString('base64')}` },
      body: 'grant_type=client_credentials',
    });
    const { access_token: token } = await tokenResponse.json() as { access_token: string };
    expect((await cli(['users', 'list', 'tailspin'], { GUEST_IDP_TOKEN: token })).code).toBe(0);
    const refused = await cli(['tenants', 'list'], { GUEST_IDP_TOKEN: token });
    expect(refused.code).toBe(5);
    expect(refused.stderr).toMatch(/Only the deployment administrator/);
  });
});

test('members, identity providers and the redemption order from the CLI', async () => {
  const upstream = await startUpstreamIdp('Partner IdP');
  try {
    expect((await cli(['tenants', 'create', '--id', 'litware', '--name', 'Litware', '--domain', 'litware.example'])).code).toBe(0);
    const member = await json(['users', 'create', 'litware', 'Lee@Litware.example', '--name', 'Lee Gu']);
    expect(member).toMatchObject({ mail: 'lee@litware.example', userType: 'Member' });

    const saved = await cli(['idps', 'set', 'litware', 'partner', '--type', 'oidc', '--issuer', upstream.issuer,
      '--client-id', 'litware', '--client-secret', 'secret-0123456789', '--domain', 'partner.example', '--name', 'Partner sign-in']);
    expect(saved.code).toBe(0);
    expect(saved.stdout).toMatch(/^domains:\s+partner\.example$/m);
    expect(saved.stdout).not.toContain('secret-0123456789');
    expect((await cli(['idps', 'list', 'litware'])).stdout).toMatch(/partner\s+oidc\s+Partner sign-in/);
    const unreachable = await cli(['idps', 'set', 'litware', 'dead', '--type', 'oidc', '--issuer', 'http://127.0.0.1:9', '--client-id', 'x', '--client-secret', 'y', '--domain', 'dead.example']);
    expect(unreachable.code).toBe(4);
    expect(unreachable.stderr).toMatch(/could not use/);

    expect(await json(['policy', 'redemption', 'litware'])).toEqual({
      primaryIdentityProviderPrecedenceOrder: ['azureActiveDirectory', 'externalFederation', 'socialIdentityProviders'], fallbackIdentityProvider: 'defaultConfiguredIdp',
    });
    expect(await json(['policy', 'redemption', 'litware', '--order', 'externalFederation,azureActiveDirectory,socialIdentityProviders', '--fallback', 'emailOneTimePasscode'])).toEqual({
      primaryIdentityProviderPrecedenceOrder: ['externalFederation', 'azureActiveDirectory', 'socialIdentityProviders'], fallbackIdentityProvider: 'emailOneTimePasscode',
    });
    expect((await cli(['policy', 'redemption', 'litware', '--order', 'externalFederation'])).code).toBe(4);

    expect((await cli(['idps', 'delete', 'litware', 'partner'])).code).toBe(0);
    expect((await cli(['idps', 'show', 'litware', 'partner'])).code).toBe(3);
  } finally {
    await upstream.close();
  }
});

test('users update: rename, a member\'s roles, block and unblock; invite prints the invited user\'s id, not JSON', async () => {
  expect((await cli(['tenants', 'create', '--id', 'northwind', '--name', 'Northwind'])).code).toBe(0);
  const invited = await cli(['invite', 'northwind', 'kim@partner.example', '--redirect', 'https://apps.example/']);
  expect(invited.code).toBe(0);
  expect(invited.stdout).toMatch(/^invitedUser\.id:\s+[0-9a-f-]{36}$/m);
  expect(invited.stdout).not.toContain('{');

  const renamed = await cli(['users', 'update', 'northwind', 'kim@partner.example', '--display-name', 'Kim Akers']);
  expect(renamed.code).toBe(0);
  expect(renamed.stdout).toMatch(/^displayName:\s+Kim Akers$/m);
  const blocked = await json(['users', 'update', 'northwind', 'kim@partner.example', '--block']);
  expect(blocked).toMatchObject({ displayName: 'Kim Akers', accountEnabled: false });
  const unblocked = await cli(['users', 'update', 'northwind', 'kim@partner.example', '--unblock']);
  expect(unblocked.stdout).toMatch(/^accountEnabled:\s+true$/m);
  const guestRoles = await cli(['users', 'update', 'northwind', 'kim@partner.example', '--roles', 'admin']);
  expect(guestRoles.code).toBe(4);
  expect(guestRoles.stderr).toMatch(/members only/);

  await json(['users', 'create', 'northwind', 'pat@northwind.example']);
  const roles = await cli(['users', 'update', 'northwind', 'pat@northwind.example', '--roles', 'guestInviter,admin']);
  expect(roles.code).toBe(0);
  expect(roles.stdout).toMatch(/^roles:\s+admin, guestInviter$/m);
  expect((await json(['users', 'update', 'northwind', 'pat@northwind.example', '--roles', ''])).roles).toEqual([]);

  expect((await cli(['users', 'update', 'northwind', 'pat@northwind.example'])).code).toBe(2);
  expect((await cli(['users', 'update', 'northwind', 'pat@northwind.example', '--block', '--unblock'])).code).toBe(2);
});
