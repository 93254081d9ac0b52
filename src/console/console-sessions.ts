import { randomBytes } from 'node:crypto';

import type { Context } from 'koa';

import { CONSOLE_SESSION_TTL_SECONDS, CONSOLE_SIGN_IN_TTL_SECONDS } from '../limits.ts';
import type { KeyValueStore } from '../store/key-value-store.ts';
import type { Keys } from '../store/keys.ts';
import { consolePath } from './console-client.ts';

/** A signed-in console user: who (the tenant's user id, the ID token's `sub`), and this session's CSRF token. */
export interface ConsoleSession {
  id: string;
  userId: string;
  csrfToken: string;
  /** For the end-session request at sign-out (id_token_hint). */
  idToken: string;
  createdDateTime: string;
}

/** A console sign-in on its way through the tenant's issuer, keyed by its `state`. */
export interface ConsoleSignIn {
  codeVerifier: string;
  nonce: string;
}

/**
 * The console's own session, apart from the tenant's sign-in session: a record in the store with
 * a TTL (CONSOLE_SESSION_TTL_SECONDS from sign-in, not sliding), named by a random id in a
 * signed, HttpOnly, SameSite=Lax cookie scoped to `/{t}/console/`. Sign-out deletes the record, so
 * a copied cookie is worth nothing afterwards.
 */
export class ConsoleSessions {
  readonly #store: KeyValueStore;
  readonly #keys: Keys;
  readonly #secure: boolean;

  constructor(store: KeyValueStore, keys: Keys, baseUrl: string) {
    this.#store = store;
    this.#keys = keys;
    this.#secure = baseUrl.startsWith('https:');
  }

  async find(ctx: Context, tenantId: string): Promise<ConsoleSession | undefined> {
    const id = ctx.cookies.get(sessionCookie(tenantId), { signed: true });
    if (!id || !/^[\w-]{20,64}$/.test(id)) return undefined;
    const stored = await this.#store.get(this.#keys.consoleSession(tenantId, id));
    return stored ? (JSON.parse(stored) as ConsoleSession) : undefined;
  }

  async start(ctx: Context, tenantId: string, userId: string, idToken: string): Promise<ConsoleSession> {
    const session: ConsoleSession = {
      id: randomBytes(24).toString('base64url'),
      userId,
      csrfToken: randomBytes(24).toString('base64url'),
      idToken,
      createdDateTime: new Date().toISOString(),
    };
    await this.#store.write([{ type: 'set', key: this.#keys.consoleSession(tenantId, session.id), value: JSON.stringify(session), ttlSeconds: CONSOLE_SESSION_TTL_SECONDS }]);
    this.#setCookie(ctx, sessionCookie(tenantId), tenantId, session.id, CONSOLE_SESSION_TTL_SECONDS);
    return session;
  }

  async end(ctx: Context, tenantId: string, session: ConsoleSession): Promise<void> {
    await this.#store.write([{ type: 'delete', key: this.#keys.consoleSession(tenantId, session.id) }]);
    this.#setCookie(ctx, sessionCookie(tenantId), tenantId, null, 0);
  }

  /** Keeps a sign-in's secrets in the store; the browser holds only its `state`, in a cookie. */
  async rememberSignIn(ctx: Context, tenantId: string, state: string, signIn: ConsoleSignIn): Promise<void> {
    await this.#store.write([{ type: 'set', key: this.#keys.consoleSignIn(tenantId, state), value: JSON.stringify(signIn), ttlSeconds: CONSOLE_SIGN_IN_TTL_SECONDS }]);
    this.#setCookie(ctx, signInCookie(tenantId), tenantId, state, CONSOLE_SIGN_IN_TTL_SECONDS);
  }

  /** The sign-in this browser started, once: taking it deletes it. */
  async takeSignIn(ctx: Context, tenantId: string): Promise<{ state: string; signIn: ConsoleSignIn } | undefined> {
    const state = ctx.cookies.get(signInCookie(tenantId), { signed: true });
    this.#setCookie(ctx, signInCookie(tenantId), tenantId, null, 0);
    if (!state || !/^[\w-]{20,128}$/.test(state)) return undefined;
    const stored = await this.#store.getAndDelete(this.#keys.consoleSignIn(tenantId, state));
    return stored ? { state, signIn: JSON.parse(stored) as ConsoleSignIn } : undefined;
  }

  #setCookie(ctx: Context, name: string, tenantId: string, value: string | null, maxAgeSeconds: number): void {
    // BASE_URL says whether browsers reach us over https (a proxy may end TLS before us).
    ctx.cookies.secure = this.#secure;
    ctx.cookies.set(name, value, {
      path: consolePath(tenantId), httpOnly: true, sameSite: 'lax', secure: this.#secure, signed: true,
      ...(value === null ? {} : { maxAge: maxAgeSeconds * 1000 }),
    });
  }
}

/** Per tenant, like the provider's cookies (tenants share one host). */
function sessionCookie(tenantId: string): string {
  return `gi_console_${tenantId}`;
}

function signInCookie(tenantId: string): string {
  return `gi_console_signin_${tenantId}`;
}
