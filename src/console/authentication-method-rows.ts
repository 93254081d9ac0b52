import type { User } from '../guests/user.ts';
import type { AuthenticationMethod, AuthenticationMethodType } from '../mfa/authentication-method.ts';
import { remainingCodes } from '../mfa/recovery-codes.ts';
import type { ConsoleDeps } from './console-context.ts';

/** One of a guest's second factors as the guest page lists it (what the admin API's list says, no secrets). */
export interface MethodRow {
  id: string;
  type: AuthenticationMethodType;
  /** A name of its own (the passkey provider's, e.g. "iCloud Keychain"), not the English default the store keeps for its type. */
  deviceName?: string;
  createdDateTime: string;
  lastUsedDateTime?: string;
  /** Recovery codes only: how many are left. */
  remaining?: number;
}

/** The names the methods get when nothing better is known: the page says the type in the reader's language instead. */
const DEFAULT_NAMES = new Set(['Authenticator app', 'Passkey', 'Recovery codes']);

/** A guest's enrolled second factors, second factors first and recovery codes last. */
export async function methodRows(deps: ConsoleDeps, tenantId: string, guest: User): Promise<MethodRow[]> {
  const methods = await deps.authenticationMethods.list(tenantId, guest.id);
  const order = (method: AuthenticationMethod) => (method.type === 'recoveryCodes' ? 1 : 0);
  return methods
    .sort((a, b) => order(a) - order(b) || a.createdDateTime.localeCompare(b.createdDateTime))
    .map((method) => ({
      id: method.id,
      type: method.type,
      createdDateTime: method.createdDateTime,
      ...(method.displayName && !DEFAULT_NAMES.has(method.displayName) ? { deviceName: method.displayName } : {}),
      ...(method.lastUsedDateTime ? { lastUsedDateTime: method.lastUsedDateTime } : {}),
      ...(method.type === 'recoveryCodes' ? { remaining: remainingCodes(method) } : {}),
    }));
}
