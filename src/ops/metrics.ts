import type { Middleware } from 'koa';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics, one registry per app (tests run several apps in a process). Labels are
 * kept to a handful of values: tenants are not a label, there can be thousands.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'guest_idp_http_requests_total',
    help: 'HTTP requests answered, by area and status class',
    labelNames: ['area', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'guest_idp_http_request_duration_seconds',
    help: 'Time to answer an HTTP request',
    labelNames: ['area'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly providersBuilt = new Counter({
    name: 'guest_idp_tenant_providers_built_total',
    help: 'oidc-provider instances built for tenants (first use, eviction, or a tenant change)',
    registers: [this.registry],
  });
  readonly providersCached = new Gauge({
    name: 'guest_idp_tenant_providers_cached',
    help: 'oidc-provider instances currently kept in memory',
    registers: [this.registry],
  });
  readonly oidcEvents = new Counter({
    name: 'guest_idp_oidc_events_total',
    help: 'oidc-provider events: tokens issued, grants revoked, errors',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });

  readonly signIns = new Counter({
    name: 'guest_idp_sign_ins_total',
    help: 'Interactive sign-in attempts that ended, by method (sign-in source, or none), result and the sign-in log errorCode (0: success)',
    labelNames: ['method', 'result', 'error_code'] as const,
    registers: [this.registry],
  });
  readonly passcodesSent = new Counter({
    name: 'guest_idp_passcodes_sent_total',
    help: 'Email one-time passcodes queued for mailing',
    registers: [this.registry],
  });
  readonly mailFailures = new Counter({
    name: 'guest_idp_mail_failures_total',
    help: 'Mail attempts that failed: retry (will be tried again) or undeliverable (given up)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly rateLimitRefusals = new Counter({
    name: 'guest_idp_rate_limit_refusals_total',
    help: 'Requests refused by a rate limit, by what was limited',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });
  readonly storeErrors = new Counter({
    name: 'guest_idp_store_errors_total',
    help: 'Requests that failed because Redis could not serve them (answered 503)',
    registers: [this.registry],
  });
  readonly activityLogWriteFailures = new Counter({
    name: 'guest_idp_activity_log_write_failures_total',
    help: 'Sign-in or audit log entries that could not be written (the sign-in or change itself went on)',
    labelNames: ['log'] as const,
    registers: [this.registry],
  });
  readonly mailQueueDepth = new Gauge({
    name: 'guest_idp_mail_queue_depth',
    help: 'Mails not sent yet: waiting, waiting to retry, or being sent',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'guest_idp_' });
  }
}

/** Which part of the product a path belongs to; the `area` label. */
export function areaOf(path: string): string {
  if (path.startsWith('/admin')) return 'admin';
  if (path === '/healthz' || path === '/readyz' || path === '/metrics') return 'ops';
  if (path.includes('/v2.0/interaction/')) return 'interaction';
  if (path.includes('/v2.0')) return 'oidc';
  return 'other';
}

/**
 * `/metrics`. `sample` refreshes the gauges that are read, not counted (the mail queue's depth),
 * just before they are shown; a failure there leaves the last value.
 */
export function metricsEndpoint(metrics: Metrics, sample: () => Promise<void> = async () => {}): Middleware {
  return async (ctx) => {
    await sample().catch(() => {});
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  };
}
