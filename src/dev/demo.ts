import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The development demo, as config/demo.json defines it. */
export interface DemoDefinition {
  tenant: { id: string; displayName: string; verifiedDomains: string[] };
  client: { client_id: string; client_name: string; redirect_path: string };
  guest: { email: string; displayName: string };
  /** A member of the demo tenant with the admin role: who signs in to the tenant console. */
  consoleAdmin: { email: string; displayName: string };
}

export const DEMO = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'config', 'demo.json'), 'utf8')) as DemoDefinition;
