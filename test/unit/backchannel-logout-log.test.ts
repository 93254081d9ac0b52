import { Provider } from 'oidc-provider';
import { pino } from 'pino';

import { logBackchannelLogout } from '../../src/tenants/backchannel-logout-log.ts';
import type { Tenant } from '../../src/tenants/tenant.ts';

/**
 * What the log says of a back-channel logout that was not delivered: enough to act on (tenant,
 * client, why, request id), and not the query of the app's URI, which may hold a key.
 */
test('a failed delivery is a warn line with the cause, the URI quoted without its query', () => {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'info' }, { write: (line: string) => { lines.push(JSON.parse(line) as Record<string, unknown>); } });
  const provider = new Provider('http://127.0.0.1:3000/contoso/v2.0', {});
  logBackchannelLogout(provider, { id: 'contoso' } as Tenant, log);

  const uri = 'https://payroll.example/oidc/logout?key=s3cret-app-key';
  // The error oidc-provider's Client#backchannelLogout throws for an answer other than 200/204.
  const error = new Error(`expected 200 OK from ${uri}, got: 500 Internal Server Error`);
  const ctx = { response: { get: (name: string) => (name === 'X-Request-Id' ? 'request-1' : '') } };
  provider.emit('backchannel.error', ctx, error, { clientId: 'payroll', backchannelLogoutUri: uri }, 'account-1', 'session-1');

  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({
    level: 40, msg: 'back-channel logout not delivered', requestId: 'request-1', tenant: 'contoso', clientId: 'payroll',
    failure: { cause: 'badAnswer', detail: 'expected 200 OK from https://payroll.example/oidc/logout, got: 500 Internal Server Error' },
  });
  const written = JSON.stringify(lines);
  for (const secret of ['s3cret-app-key', 'account-1', 'session-1']) expect(written).not.toContain(secret);
});
