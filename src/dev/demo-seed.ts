import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { GuestIdp } from '../app.ts';
import { issuerOf } from '../tenants/tenant.ts';

interface DemoDefinition {
  tenant: { id: string; displayName: string; verifiedDomains: string[] };
  client: { client_id: string; client_name: string; redirect_path: string };
}

export interface DemoSeed {
  issuer: string;
  clientId: string;
  redirectUri: string;
}

const DEMO_FILE = join(import.meta.dirname, '..', '..', 'config', 'demo.json');

/**
 * Development only: the demo tenant `contoso` and a public demo client (PKCE, no secret), created
 * when missing and left alone when present, so restarting against a developer's Redis is harmless.
 */
export async function seedDemo(idp: GuestIdp): Promise<DemoSeed> {
  const demo = JSON.parse(readFileSync(DEMO_FILE, 'utf8')) as DemoDefinition;
  const baseUrl = idp.config.baseUrl;

  const existing = (await idp.tenants.list()).find((tenant) => tenant.id === demo.tenant.id);
  if (!existing) await idp.tenants.create(demo.tenant);

  const redirectUri = `${baseUrl}${demo.client.redirect_path}`;
  if (!(await idp.clients.find(demo.tenant.id, demo.client.client_id))) {
    await idp.clients.create(demo.tenant.id, {
      client_id: demo.client.client_id,
      client_name: demo.client.client_name,
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: [`${baseUrl}/demo`],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      roles: [],
      client_id_issued_at: Math.floor(Date.now() / 1000),
    });
  }
  return { issuer: issuerOf(baseUrl, demo.tenant.id), clientId: demo.client.client_id, redirectUri };
}
