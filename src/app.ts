import { join } from 'node:path';

import Router from '@koa/router';
import Koa from 'koa';
import compose from 'koa-compose';
import type { Logger } from 'pino';

import { AuditLog } from './activity/audit-log.ts';
import { SignInLog } from './activity/sign-in-log.ts';
import { requireAdmin } from './admin/admin-auth.ts';
import { adminErrors } from './admin/admin-errors.ts';
import { adminRoutes } from './admin/admin-routes.ts';
import type { Config } from './config.ts';
import { ConsolePages } from './console/console-pages.ts';
import { ConsoleRelyingParty } from './console/console-relying-party.ts';
import { consoleRoutes } from './console/console-routes.ts';
import { ConsoleSessions } from './console/console-sessions.ts';
import { SkipTokens } from './admin/skip-token.ts';
import { developmentRoutes } from './dev/development-routes.ts';
import { TenantAdminTokens } from './admin/tenant-admin-tokens.ts';
import { findAccountIn } from './guests/accounts.ts';
import { Guests } from './guests/guests.ts';
import { Invitations } from './guests/invitations.ts';
import { Redemptions } from './guests/redemption.ts';
import { EmailOtp } from './interaction/email-otp.ts';
import { brandingRoutes } from './branding/branding-routes.ts';
import { brandingView } from './branding/branding-view.ts';
import { ConsumerAccounts } from './federation/consumer-accounts.ts';
import { UpstreamClients } from './federation/upstream-clients.ts';
import { UpstreamConnector } from './federation/upstream-connector.ts';
import { OutboundHttp } from './outbound/outbound-http.ts';
import { discoverySteps } from './interaction/discovery-steps.ts';
import { federationCallbackRoute } from './interaction/federation-callback-route.ts';
import { redemptionChain } from './interaction/home-realm-discovery.ts';
import { interactionRoutes } from './interaction/interaction-routes.ts';
import { PasscodeMac } from './interaction/passcodes.ts';
import { redemptionRoutes } from './interaction/redemption-routes.ts';
import { MailTemplates } from './mail/mail-templates.ts';
import { MailQueue } from './mail/mail-queue.ts';
import type { Mailer } from './mail/mailer.ts';
import { OutboxMailer } from './mail/outbox-mailer.ts';
import { SmtpMailer } from './mail/smtp-mailer.ts';
import { MAIL_RETRY, MAIL_WORKER_CLOSE_GRACE_MS, MAIL_WORKER_CONCURRENCY, TOKEN_TTL } from './limits.ts';
import { liveness, readiness } from './ops/health.ts';
import { Metrics, metricsEndpoint } from './ops/metrics.ts';
import { requestLog } from './ops/request-log.ts';
import { BrandingRepository } from './store/branding-repository.ts';
import { ClientRepository } from './store/client-repository.ts';
import { IdentityProviderRepository } from './store/identity-provider-repository.ts';
import { InvitationRepository } from './store/invitation-repository.ts';
import type { KeyValueStore } from './store/key-value-store.ts';
import { Keys } from './store/keys.ts';
import { SecretBox } from './store/secret-box.ts';
import { mfaServices } from './mfa/mfa-services.ts';
import { policyWantsSecondFactor } from './mfa/session-second-factor.ts';
import { SignInRepository } from './store/sign-in-repository.ts';
import { SigningKeyRepository } from './store/signing-key-repository.ts';
import { TenantRepository } from './store/tenant-repository.ts';
import { UserRepository } from './store/user-repository.ts';
import { logBackchannelLogout } from './tenants/backchannel-logout-log.ts';
import { ProviderCache } from './tenants/provider-cache.ts';
import { TenantDirectory } from './tenants/tenant-directory.ts';
import { signInToOrganization, tenantRequired, tenantRoutes } from './tenants/tenant-routes.ts';
import { TenantService } from './tenants/tenant-service.ts';
import type { Tenant } from './tenants/tenant.ts';
import { Pages } from './web/pages.ts';
import { securityHeaders } from './web/security-headers.ts';
import { staticFiles } from './web/static-files.ts';
import { unhandledErrors } from './web/unhandled-errors.ts';

export interface AppOptions {
  config: Config;
  store: KeyValueStore;
  log: Logger;
  /** First part of every store key, when not config.keyNamespace; tests give each run its own. */
  keyNamespace?: string;
  /** When this run of the server began (a worker gets its primary's): the development outbox shows mail since. */
  runStartedAt?: Date;
}

/** The pieces of a running guest-idp, for main.ts, the dev seed and tests. */
export interface GuestIdp {
  app: Koa;
  config: Config;
  store: KeyValueStore;
  keys: Keys;
  tenants: TenantService;
  clients: ClientRepository;
  users: UserRepository;
  guests: Guests;
  invitations: Invitations;
  providers: ProviderCache;
  mailer: Mailer;
  /** Mail waiting to go out; `depth()` for the metrics. */
  mailQueue: MailQueue;
  metrics: Metrics;
  /** Each tenant's sign-in and audit logs; the console records its changes with `auditLog.record`. */
  signInLog: SignInLog;
  auditLog: AuditLog;
  /** Releases what the app owns (mail transport, workers); the store is the caller's to close. */
  close(): Promise<void>;
}

const INTERACTIONS_DIRECTORY = join(import.meta.dirname, '..', 'interactions');

/** Builds the Koa app and everything it needs; opening and closing the store is the caller's. */
export function createApp({ config, store, log, keyNamespace, runStartedAt }: AppOptions): GuestIdp {
  const keys = new Keys(keyNamespace ?? config.keyNamespace);
  const secrets = new SecretBox(config.keyEncryptionKey);
  const pages = new Pages(INTERACTIONS_DIRECTORY);
  const templates = new MailTemplates(join(INTERACTIONS_DIRECTORY, 'mail'));
  const metrics = new Metrics();
  // Every URL called on a tenant's behalf goes through this one client (SSRF guard).
  const outbound = new OutboundHttp({ allowPrivate: config.allowPrivateUpstreams, ownOrigin: config.baseUrl });
  const mailer: Mailer = config.smtpUrl
    ? new SmtpMailer(config.smtpUrl, config.mailFrom, log)
    : new OutboxMailer(config.outboxDir, config.mailFrom, log, runStartedAt);

  // Records
  const tenantRepository = new TenantRepository(store, keys);
  const clients = new ClientRepository(store, keys, secrets);
  const users = new UserRepository(store, keys);
  const invitationRepository = new InvitationRepository(store, keys);
  const signIns = new SignInRepository(store, keys);
  const identityProviders = new IdentityProviderRepository(store, keys, secrets);
  const branding = new BrandingRepository(store, keys);
  // What pages and mails show of a tenant's branding.
  const activityLogs = { store, keys, retentionDays: config.activityLogRetentionDays, metrics, log };
  const signInLog = new SignInLog(activityLogs);
  const auditLog = new AuditLog(activityLogs);
  store.onUnavailable(() => metrics.storeErrors.inc());
  const brandingFor = async (tenant: Tenant) => brandingView(await branding.find(tenant), tenant.id, config.baseUrl);

  // Tenants and their Providers
  const directory = new TenantDirectory(tenantRepository);
  const tenants = new TenantService(tenantRepository, new SigningKeyRepository(store, keys, secrets), (tenant) => {
    directory.forget(tenant);
    providers.evict(tenant.id);
  });
  const providers: ProviderCache = new ProviderCache(
    {
      config, store, keys, clients, pages, directory, outbound, accountsFor: (tenant) => findAccountIn(tenant, users),
      policyWantsSecondFactor: policyWantsSecondFactor(directory, users),
    },
    (tenantId) => tenants.signingKeys(tenantId),
    ({ provider, tenant }) => {
      metrics.providersBuilt.inc();
      metrics.providersCached.set(providers.size);
      provider.on('server_error', (_ctx, error) => log.error({ err: error, tenant: tenant.id }, 'oidc-provider server error'));
      provider.on('access_token.issued', () => metrics.oidcEvents.inc({ event: 'access_token.issued' }));
      provider.on('client_credentials.issued', () => metrics.oidcEvents.inc({ event: 'client_credentials.issued' }));
      provider.on('grant.revoked', () => metrics.oidcEvents.inc({ event: 'grant.revoked' }));
      logBackchannelLogout(provider, tenant, log);
    },
    config.providerCacheSize,
  );

  // Guests and sign-in
  const mailQueue = new MailQueue({
    store, keyPrefix: keys.jobQueue('mail'), mailer, secrets, log,
    policy: { ...MAIL_RETRY, backoffMs: config.mailRetryBaseMs },
    concurrency: MAIL_WORKER_CONCURRENCY,
    undeliverable: ({ tenantId, uid }, mailId) => signIns.recordUndeliveredCode(tenantId, uid, mailId, TOKEN_TTL.Interaction),
  });
  mailQueue.on('retrying', () => metrics.mailFailures.inc({ outcome: 'retry' }));
  mailQueue.on('undeliverable', () => metrics.mailFailures.inc({ outcome: 'undeliverable' }));
  const guests = new Guests(users, invitationRepository, store, keys);
  const invitations = new Invitations({ users, guests, invitations: invitationRepository, mail: mailQueue, templates, brandingFor, baseUrl: config.baseUrl, store, keys });
  const redemptions = new Redemptions(users, invitationRepository);
  const emailOtp = new EmailOtp({
    store, keys, signIns, mail: mailQueue, templates, log, metrics,
    mac: new PasscodeMac(config.keyEncryptionKey),
    otpTtlSeconds: config.otpTtlSeconds,
    sendsPerIp: config.passcodeSendsPerIp,
  });
  const consumerAccounts = config.consumerAccounts ? new ConsumerAccounts(config.consumerAccounts, log, outbound) : undefined;
  const connector = new UpstreamConnector(outbound, log);
  const steps = discoverySteps({ baseUrl: config.baseUrl, directory, identityProviders, consumerAccounts });
  // Second factors (src/mfa): the users' methods, sealed secrets, the wrong-factor limit.
  const mfa = mfaServices(store, keys, secrets);
  const signInPages = interactionRoutes({
    pages, signIns, users, invitations: invitationRepository, emailOtp, redemptions,
    // Home-realm discovery in the tenant's redemption order (Microsoft's documented one by default).
    discoveryChain: (tenant) => redemptionChain(tenant.invitationRedemption, steps),
    upstreamClients: new UpstreamClients(identityProviders, consumerAccounts),
    connector,
    baseUrl: config.baseUrl,
    otpTtlSeconds: config.otpTtlSeconds,
    emailOtpDefault: config.emailOtpDefault,
    signInLog,
    mfa,
  });
  const federationCallback = federationCallbackRoute(pages, signIns, { signInLog, users });
  const redeemPages = redemptionRoutes({ pages, signIns, invitations: invitationRepository, baseUrl: config.baseUrl, signInLog, users });

  // HTTP
  const ops = new Router();
  ops.get('/healthz', liveness());
  ops.get('/readyz', readiness(store));
  ops.get('/metrics', adminErrors(log), requireAdmin(config.adminToken), metricsEndpoint(metrics, async () => {
    metrics.mailQueueDepth.set(await mailQueue.depth());
    metrics.providersCached.set(providers.size);
  }));
  ops.get('/sign-in-to-organization', signInToOrganization(directory, pages, config.baseUrl));

  const tenantAdmins = new TenantAdminTokens(config.baseUrl, directory, providers, clients);
  const admin = adminRoutes({ config, log, tenants, clients, providers, invitations, guests, tenantAdmins, identityProviders, connector, branding, signInLog, auditLog, metrics, authenticationMethods: mfa.methods });

  // The tenant console: a built-in client of every tenant, on the same domain services as the admin API.
  const consoleSessions = new ConsoleSessions(store, keys, config.baseUrl);
  const tenantConsole = consoleRoutes({
    config, log, pages: new ConsolePages(INTERACTIONS_DIRECTORY), sessions: consoleSessions,
    relyingParty: new ConsoleRelyingParty(config.baseUrl, consoleSessions),
    tenants, guests, users, clients, invitations, identityProviders, connector, skipTokens: new SkipTokens(config.keyEncryptionKey), auditLog, signInLog,
    branding, authenticationMethods: mfa.methods,
  }, directory, pages);

  const app = new Koa({ proxy: config.trustProxy });
  app.keys = config.cookieKeys;
  app.silent = true;
  app.use(requestLog(log, metrics));
  app.use(unhandledErrors(pages, log));
  app.use(securityHeaders(config.baseUrl));
  app.use(staticFiles(join(INTERACTIONS_DIRECTORY, 'static')));
  app.use(ops.routes());
  app.use(admin.routes());
  if (!config.production) {
    app.use(developmentRoutes({ config, pages, outbox: mailer instanceof OutboxMailer ? mailer : undefined }).routes());
  }
  app.use(tenantConsole);
  app.use(tenantRoutes({
    directory,
    providers,
    pages,
    baseUrl: config.baseUrl,
    trustProxy: config.trustProxy,
    tenantPages: compose([signInPages.routes(), redeemPages.routes(), federationCallback.routes(), brandingRoutes(branding).routes()] as Koa.Middleware[]),
    tenantPagePaths: /^\/(interaction|redeem|federation|branding)(\/|$)/,
    brandingFor,
  }));
  app.use(tenantRequired(pages, config.baseUrl));

  return {
    app, config, store, keys, tenants, clients, users, guests, invitations, providers, mailer, mailQueue, metrics, signInLog, auditLog,
    // The mail worker finishes what it holds (then the mailer closes), and outbound connections go.
    close: async () => {
      await mailQueue.close(MAIL_WORKER_CLOSE_GRACE_MS);
      await outbound.close();
    },
  };
}
