/**
 * Errors that cross a boundary carry their HTTP status and a stable code, the way oidc-provider's
 * InvalidRequest/InvalidGrant do. Admin API codes follow Microsoft Graph's error names.
 */

export abstract class GuestIdpError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  /** Safe to show the caller: never holds secrets or internals. */
  readonly expose: boolean = true;
}

export class BadRequestError extends GuestIdpError {
  readonly status = 400;
  readonly code = 'BadRequest';
}

export class UnauthorizedError extends GuestIdpError {
  readonly status = 401;
  readonly code = 'InvalidAuthenticationToken';
}

export class ForbiddenError extends GuestIdpError {
  readonly status = 403;
  readonly code = 'Authorization_RequestDenied';
}

/**
 * The user's account is blocked (accountEnabled false, Entra's "Block sign-in"): a sign-in that
 * otherwise succeeded is refused. The sign-in pages turn it into a page of its own.
 */
export class AccountBlockedError extends ForbiddenError {}

export class NotFoundError extends GuestIdpError {
  readonly status = 404;
  readonly code = 'Request_ResourceNotFound';
}

export class ConflictError extends GuestIdpError {
  readonly status = 409;
  readonly code = 'Conflict';
}

/**
 * A compare-and-set write kept losing to other writers of the same record (or what a change was
 * decided on changed under it): the caller may simply try again. `record` names it, e.g.
 * "Tenant 'contoso'".
 */
export class ConcurrentChangeError extends ConflictError {
  constructor(record: string) {
    super(`${record} is being changed by other requests at the same time. Try again.`);
  }
}

export class PayloadTooLargeError extends GuestIdpError {
  readonly status = 413;
  readonly code = 'RequestEntityTooLarge';
}

export class UnsupportedMediaTypeError extends GuestIdpError {
  readonly status = 415;
  readonly code = 'UnsupportedMediaType';
}

/** Over a limit (Graph's throttling answer): the caller may try again after `retryAfterSeconds`. */
export class TooManyRequestsError extends GuestIdpError {
  readonly status = 429;
  readonly code = 'TooManyRequests';
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** A dependency other than the store (the mail server) failed; nothing was changed. */
export class ServiceUnavailableError extends GuestIdpError {
  readonly status = 503;
  readonly code = 'ServiceUnavailable';
}

/**
 * The store (Redis) did not answer. Shaped so oidc-provider renders it as an OAuth
 * `temporarily_unavailable` error with status 503 instead of a 500 server_error: it reads
 * `statusCode`, `expose`, `message` (the OAuth error code) and `error_description`.
 */
export class StoreUnavailableError extends GuestIdpError {
  readonly status = 503;
  readonly statusCode = 503;
  readonly code = 'ServiceUnavailable';
  readonly error = 'temporarily_unavailable';
  readonly error_description = 'The sign-in service cannot reach its data store right now. Try again in a moment.';

  constructor(cause?: unknown) {
    super('temporarily_unavailable', { cause });
  }
}

/** Thrown at start-up when the environment is not usable; main prints the message and exits. */
export class ConfigurationError extends Error {}
