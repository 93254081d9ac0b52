import * as oidc from 'openid-client';

import { type RunningIdp, startIdp } from '../support/idp.ts';
import { type SmtpListener, startSmtpListener } from '../support/smtp.ts';

/**
 * The audit log (GET /admin/tenants/{t}/directoryAudits): every change an administrator made,
 * newest first, with who made it: the deployment token (app `deployment`) or a tenant's admin
 * client (its client id).
 */

let smtp: SmtpListener;
let idp: RunningIdp;

beforeAll(async () => {
  smtp = await startSmtpListener();
  idp = await startIdp({ env: { SMTP_URL: smtp.url } });
});

afterAll(async () => {
  await idp.close();
  await smtp.close();
});

async function audits(tenantId: string, query = '', token?: string) {
  const answer = await idp.admin('GET', `/admin/tenants/${tenantId}/directoryAudits${query}`, undefined, token);
  expect(answer.status).toBe(200);
  return answer.body as { value: any[]; '@odata.nextLink'?: string };
}

async function tokenFor(tenantId: string, client: { client_id: string; client_secret: string }): Promise<string> {
  const config = await oidc.discovery(new URL(`${idp.baseUrl}/${tenantId}/v2.0`), client.client_id, client.client_secret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
  return (await oidc.clientCredentialsGrant(config)).access_token;
}

const DEPLOYMENT = { app: { appId: 'deployment', displayName: 'Deployment administrator' } };

test('changes made with the deployment token are audited, newest first, initiated by the app "deployment"', async () => {
  expect((await idp.admin('POST', '/admin/tenants', { id: 'contoso', displayName: 'Contoso' })).status).toBe(201);
  const client = (await idp.admin('POST', '/admin/tenants/contoso/clients', { client_name: 'Payroll', redirect_uris: ['https://payroll.example/cb'] })).body;
  const invitation = (await idp.admin('POST', '/admin/tenants/contoso/invitations', { invitedUserEmailAddress: 'megan@fabrikam.example', inviteRedirectUrl: 'https://payroll.example/' })).body;
  expect((await idp.admin('PATCH', '/admin/tenants/contoso/policies/emailOtp', { state: 'disabled' })).status).toBe(200);
  expect((await idp.admin('PATCH', '/admin/tenants/contoso/branding', { backgroundColor: '#003366' })).status).toBe(200);
  expect((await idp.admin('POST', '/admin/tenants/contoso/signingKeys/rotate')).status).toBe(200);
  expect((await idp.admin('DELETE', `/admin/tenants/contoso/clients/${client.client_id}`)).status).toBe(204);
  expect((await idp.admin('DELETE', `/admin/tenants/contoso/users/${invitation.invitedUser.id}`)).status).toBe(204);

  const { value } = await audits('contoso');
  expect(value.map((audit) => audit.activityDisplayName)).toEqual([
    'Delete user', 'Delete application', 'Rotate signing keys', 'Update company branding', 'Update policy', 'Invite external user', 'Add application', 'Create tenant',
  ]);
  for (const audit of value) {
    expect(audit).toMatchObject({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), activityDateTime: expect.any(String), initiatedBy: DEPLOYMENT, result: 'success' });
  }
  expect(value.find((audit) => audit.activityDisplayName === 'Invite external user').targetResources).toEqual([
    { id: invitation.invitedUser.id, type: 'User', displayName: 'megan@fabrikam.example' },
  ]);
  expect(value.find((audit) => audit.activityDisplayName === 'Add application').targetResources).toEqual([{ id: client.client_id, type: 'Application', displayName: 'Payroll' }]);
  expect(value.find((audit) => audit.activityDisplayName === 'Update policy').targetResources).toEqual([{ id: 'emailOtp', type: 'Policy', displayName: 'Email one-time passcode' }]);
  expect(value.at(-1).targetResources).toEqual([{ id: 'contoso', type: 'Tenant', displayName: 'Contoso' }]);

  // Filter by target, and by time.
  const ofClient = await audits('contoso', `?$filter=${encodeURIComponent(`targetResources/any(t: t/id eq '${client.client_id}')`)}`);
  expect(ofClient.value.map((audit) => audit.activityDisplayName)).toEqual(['Delete application', 'Add application']);
  expect((await audits('contoso', `?$filter=${encodeURIComponent(`activityDateTime ge ${new Date(Date.now() + 60_000).toISOString()}`)}`)).value).toEqual([]);
  const since = value[2].activityDateTime;
  expect((await audits('contoso', `?$filter=${encodeURIComponent(`activityDateTime ge ${since}`)}`)).value.length).toBeGreaterThanOrEqual(3);

  // Paging.
  const first = await audits('contoso', '?$top=5');
  expect(first.value).toHaveLength(5);
  const next = new URL(first['@odata.nextLink']!);
  const second = (await idp.admin('GET', `${next.pathname}${next.search}`)).body;
  expect([...first.value, ...second.value].map((audit) => audit.id)).toEqual(value.map((audit) => audit.id));
});

test('a tenant admin client\'s changes name its client id; it reads its own tenant\'s log only; refused calls write nothing', async () => {
  expect((await idp.admin('POST', '/admin/tenants', { id: 'fabrikam', displayName: 'Fabrikam' })).status).toBe(201);
  const admin = (await idp.admin('POST', '/admin/tenants/fabrikam/clients', { client_name: 'Fabrikam provisioning', grant_types: ['client_credentials'], roles: ['admin'] })).body;
  const token = await tokenFor('fabrikam', admin);

  expect((await idp.admin('PATCH', '/admin/tenants/fabrikam', { displayName: 'Fabrikam Ltd' }, token)).status).toBe(200);
  expect((await idp.admin('PATCH', '/admin/tenants/fabrikam/policies/emailOtp', { state: 'sometimes' }, token)).status).toBe(400);
  // Not its tenant: refused before anything could change, and not written into contoso's log.
  const contosoBefore = (await audits('contoso')).value.length;
  expect((await idp.admin('PATCH', '/admin/tenants/contoso/policies/emailOtp', { state: 'enabled' }, token)).status).toBe(403);
  expect((await audits('contoso')).value).toHaveLength(contosoBefore);
  expect((await idp.admin('GET', '/admin/tenants/contoso/directoryAudits', undefined, token)).status).toBe(403);
  expect((await idp.admin('GET', '/admin/tenants/contoso/signIns', undefined, token)).status).toBe(403);

  const byClient = await audits('fabrikam', `?$filter=${encodeURIComponent(`initiatedBy/app/appId eq '${admin.client_id}'`)}`, token);
  expect(byClient.value).toEqual([
    expect.objectContaining({
      activityDisplayName: 'Update policy', result: 'failure', resultReason: 'BadRequest',
      initiatedBy: { app: { appId: admin.client_id, displayName: 'Fabrikam provisioning' } },
    }),
    expect.objectContaining({
      activityDisplayName: 'Update tenant', result: 'success',
      initiatedBy: { app: { appId: admin.client_id, displayName: 'Fabrikam provisioning' } },
      targetResources: [{ id: 'fabrikam', type: 'Tenant', displayName: 'Fabrikam Ltd' }],
    }),
  ]);
  const byDeployment = await audits('fabrikam', `?$filter=${encodeURIComponent("initiatedBy/app/appId eq 'deployment'")}`);
  expect(byDeployment.value.map((audit) => audit.activityDisplayName)).toEqual(['Add application', 'Create tenant']);
});

test('a bad audit filter is a 400', async () => {
  for (const filter of ["initiatedBy eq 'deployment'", "targetResources/any(t: t/type eq 'User')", 'activityDateTime ge soon', "result eq success"]) {
    const answer = await idp.admin('GET', `/admin/tenants/contoso/directoryAudits?$filter=${encodeURIComponent(filter)}`);
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain('$filter');
  }
});

test('the audit log is a function the console calls with its own principal', async () => {
  await idp.auditLog.record('contoso', {
    activity: 'Update policy', initiatedBy: { user: { id: 'member-1', userPrincipalName: 'admin@contoso.example' } },
    targets: [{ id: 'emailOtp', type: 'Policy', displayName: 'Email one-time passcode' }], result: 'success',
  });
  const byMember = await audits('contoso', `?$filter=${encodeURIComponent("initiatedBy/user/userPrincipalName eq 'Admin@Contoso.example'")}`);
  expect(byMember.value).toEqual([expect.objectContaining({ initiatedBy: { user: { id: 'member-1', userPrincipalName: 'admin@contoso.example' } } })]);
  expect((await audits('contoso', `?$filter=${encodeURIComponent("initiatedBy/user/id eq 'member-1'")}`)).value).toHaveLength(1);
});
