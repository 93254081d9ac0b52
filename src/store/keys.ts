/**
 * Every key name in one place. Layout: `<namespace>:{<slot>}:<what>`.
 *
 * The `{...}` part is a Redis Cluster hash tag: keys that share it live in one slot, so the
 * multi-key scripts in redis-store.ts work on a cluster. Deployment-wide records (tenants and their
 * domain claims) share the tag `{_deployment}`; everything of one tenant shares `{<tenantId>}`.
 * Tenant ids cannot contain `_`, so the two never collide.
 */
export const DEFAULT_KEY_NAMESPACE = 'gi';

export class Keys {
  readonly namespace: string;

  constructor(namespace = DEFAULT_KEY_NAMESPACE) {
    this.namespace = namespace;
  }

  // deployment-wide
  tenantIndex(): string { return `${this.namespace}:{_deployment}:tenants`; }
  tenant(tenantId: string): string { return `${this.namespace}:{_deployment}:tenant:${tenantId}`; }
  domainClaim(domain: string): string { return `${this.namespace}:{_deployment}:domain:${domain}`; }
  /**
   * Prefix of a rate limiter's counters. No hash tag: every counter is a single-key operation, so
   * on a cluster they may spread over all shards. Limiters append tenant and a hash, never an address.
   */
  rateLimit(name: string): string { return `${this.namespace}:limit:${name}`; }
  /**
   * A job queue's keys: `<namespace>:{_queue-<name>}` is BullMQ's prefix and `<name>` the queue.
   * One hash tag for all of a queue's keys, as BullMQ's scripts need on Redis Cluster.
   */
  jobQueue(name: string): string { return `${this.namespace}:{_queue-${name}}:${name}`; }

  // one tenant
  tenantPrefix(tenantId: string): string { return `${this.namespace}:{${tenantId}}:`; }
  signingKeys(tenantId: string): string { return `${this.tenantPrefix(tenantId)}signing-keys`; }
  client(tenantId: string, clientId: string): string { return `${this.tenantPrefix(tenantId)}client:${clientId}`; }
  clientIndex(tenantId: string): string { return `${this.tenantPrefix(tenantId)}clients`; }

  // users and invitations of one tenant
  user(tenantId: string, userId: string): string { return `${this.tenantPrefix(tenantId)}user:${userId}`; }
  userByMail(tenantId: string, mail: string): string { return `${this.tenantPrefix(tenantId)}user-by-mail:${mail}`; }
  /** Sorted by creation time, for listing. */
  userIndex(tenantId: string): string { return `${this.tenantPrefix(tenantId)}users`; }
  /** The users with one value of a filterable field (userType, externalUserState, source). */
  userIndexBy(tenantId: string, field: string, value: string): string { return `${this.tenantPrefix(tenantId)}users-by:${field}:${value}`; }
  /** Keyed by the ticket's hash: the ticket itself is a secret in a link. */
  redeemTicket(tenantId: string, ticketHash: string): string { return `${this.tenantPrefix(tenantId)}redeem-ticket:${ticketHash}`; }
  userTickets(tenantId: string, userId: string): string { return `${this.tenantPrefix(tenantId)}user-tickets:${userId}`; }

  // a user's second factors (src/mfa): each method's record, and the set of them
  authenticationMethod(tenantId: string, userId: string, methodId: string): string { return `${this.tenantPrefix(tenantId)}auth-method:${userId}:${methodId}`; }
  authenticationMethods(tenantId: string, userId: string): string { return `${this.tenantPrefix(tenantId)}auth-methods:${userId}`; }
  /** A TOTP code a user already used in its window (replay refused until it expires). */
  usedTotpCode(tenantId: string, userId: string, secretId: string, counter: number): string { return `${this.tenantPrefix(tenantId)}totp-used:${userId}:${secretId}:${counter}`; }

  // identity providers of one tenant
  identityProvider(tenantId: string, id: string): string { return `${this.tenantPrefix(tenantId)}identity-provider:${id}`; }
  identityProviderIndex(tenantId: string): string { return `${this.tenantPrefix(tenantId)}identity-providers`; }
  /** Which of the tenant's identity providers claims a domain (at most one). */
  identityProviderDomain(tenantId: string, domain: string): string { return `${this.tenantPrefix(tenantId)}identity-provider-domain:${domain}`; }

  // company branding of one tenant: the record, and the square logo's bytes apart from it
  branding(tenantId: string): string { return `${this.tenantPrefix(tenantId)}branding`; }
  brandingSquareLogo(tenantId: string): string { return `${this.tenantPrefix(tenantId)}branding-square-logo`; }

  // one sign-in attempt (an oidc-provider interaction uid)
  signInState(tenantId: string, uid: string): string { return `${this.tenantPrefix(tenantId)}sign-in:${uid}`; }
  passcode(tenantId: string, uid: string): string { return `${this.tenantPrefix(tenantId)}passcode:${uid}`; }
  /** The id of the sign-in's code mail that finally failed. */
  undeliveredCode(tenantId: string, uid: string): string { return `${this.tenantPrefix(tenantId)}undelivered-code:${uid}`; }
  redemption(tenantId: string, state: string): string { return `${this.tenantPrefix(tenantId)}redemption:${state}`; }
  /** An upstream sign-in in progress, keyed by the state sent upstream. */
  federation(tenantId: string, state: string): string { return `${this.tenantPrefix(tenantId)}federation:${state}`; }
  /** The WebAuthn challenge this sign-in's passkey page issued (used once). */
  passkeyChallenge(tenantId: string, uid: string): string { return `${this.tenantPrefix(tenantId)}passkey-challenge:${uid}`; }

  // the logs a help desk reads (streams trimmed by age; src/activity/)
  signInLog(tenantId: string): string { return `${this.tenantPrefix(tenantId)}sign-in-log`; }
  auditLog(tenantId: string): string { return `${this.tenantPrefix(tenantId)}audit-log`; }

  // the tenant console (src/console): a signed-in console user, and a console sign-in in progress
  consoleSession(tenantId: string, sessionId: string): string { return `${this.tenantPrefix(tenantId)}console-session:${sessionId}`; }
  consoleSignIn(tenantId: string, state: string): string { return `${this.tenantPrefix(tenantId)}console-sign-in:${state}`; }

  // oidc-provider models of one tenant
  oidcModel(tenantId: string, model: string, id: string): string { return `${this.tenantPrefix(tenantId)}${model}:${id}`; }
  grantTokens(tenantId: string, grantId: string): string { return `${this.tenantPrefix(tenantId)}grant-tokens:${grantId}`; }
  sessionByUid(tenantId: string, uid: string): string { return `${this.tenantPrefix(tenantId)}session-uid:${uid}`; }
  deviceCodeByUserCode(tenantId: string, userCode: string): string { return `${this.tenantPrefix(tenantId)}user-code:${userCode}`; }
  /** Sessions and grants of one account, so deleting a guest can revoke them at once. */
  accountArtifacts(tenantId: string, accountId: string): string { return `${this.tenantPrefix(tenantId)}account-artifacts:${accountId}`; }
}
