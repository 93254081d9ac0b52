import * as oidc from 'openid-client';

import { describeOutboundFailure, isNoAnswer, type OutboundFailure } from '../outbound/outbound-failure.ts';

/**
 * Why an upstream leg failed, as one short code for the log (an operator's first question is
 * "whose fault, and which check"):
 * - unreachable: discovery, token, JWKS or userinfo endpoint gave no answer (or is at an address
 *   the server does not call for tenants);
 * - discoveryFailed: the discovery document answered but could not be used (HTTP error, not
 *   JSON, another issuer);
 * - authorizationError: the guest came back with an OAuth error (cancelled, access_denied…);
 * - authorizationResponseInvalid: the guest came back with an answer that did not check out (the
 *   RFC 9207 `iss` parameter of another issuer, no code);
 * - tokenEndpointError: the token endpoint answered an OAuth error (invalid_grant, invalid_client…);
 * - tokenResponseInvalid: the token endpoint's answer was not a token response;
 * - idTokenMissing, idTokenSignature, idTokenIssuer, idTokenAudience, idTokenNonce, idTokenExpired:
 *   the ID token was absent, or failed that check;
 * - idTokenClaims: a claim the ID token must have is missing or of the wrong type (`sub: null`);
 * - userinfoFailed: the userinfo endpoint answered, but not with usable claims;
 * - userinfoSubjectMismatch: userinfo described another subject than the ID token.
 */
export type UpstreamFailureCause =
  | 'unreachable' | 'discoveryFailed'
  | 'authorizationError' | 'authorizationResponseInvalid'
  | 'tokenEndpointError' | 'tokenResponseInvalid'
  | 'idTokenMissing' | 'idTokenSignature' | 'idTokenIssuer' | 'idTokenAudience' | 'idTokenNonce' | 'idTokenExpired' | 'idTokenClaims'
  | 'userinfoFailed' | 'userinfoSubjectMismatch';

/**
 * What the guest's page makes of a cause:
 * - unreachable: "we couldn't reach", try again later;
 * - refused: the provider said no with an OAuth error;
 * - invalidResponse: what came back did not verify.
 */
export type UpstreamFailureKind = 'unreachable' | 'refused' | 'invalidResponse';

const KIND_OF: Record<UpstreamFailureCause, UpstreamFailureKind> = {
  unreachable: 'unreachable',
  discoveryFailed: 'unreachable',
  authorizationError: 'refused',
  tokenEndpointError: 'refused',
  authorizationResponseInvalid: 'invalidResponse',
  tokenResponseInvalid: 'invalidResponse',
  idTokenMissing: 'invalidResponse',
  idTokenSignature: 'invalidResponse',
  idTokenIssuer: 'invalidResponse',
  idTokenAudience: 'invalidResponse',
  idTokenNonce: 'invalidResponse',
  idTokenExpired: 'invalidResponse',
  idTokenClaims: 'invalidResponse',
  userinfoFailed: 'invalidResponse',
  userinfoSubjectMismatch: 'invalidResponse',
};

/** Upstream free text (an `error_description`, a library message) is cut to this many characters in the log. */
const LOGGED_TEXT_LIMIT = 200;

export class UpstreamError extends Error {
  readonly causeCode: UpstreamFailureCause;
  readonly oauthError: string | undefined;
  readonly oauthErrorDescription: string | undefined;

  constructor(causeCode: UpstreamFailureCause, message: string, details: { oauthError?: string | undefined; oauthErrorDescription?: string | undefined; cause?: unknown } = {}) {
    super(message, { cause: details.cause });
    this.causeCode = causeCode;
    this.oauthError = details.oauthError;
    this.oauthErrorDescription = details.oauthErrorDescription;
  }

  get kind(): UpstreamFailureKind {
    return KIND_OF[this.causeCode];
  }
}

/** Which request of the leg failed: it decides what an unspecific library error means. */
export type UpstreamStage = 'discovery' | 'exchange' | 'userinfo';

/**
 * Classifies what openid-client threw, from its error classes and oauth4webapi's codes (never from
 * the response bodies they carry: those hold tokens). Pure, so every rule can be read here.
 */
export function classifyUpstreamFailure(issuer: string, stage: UpstreamStage, error: unknown): UpstreamError {
  if (error instanceof UpstreamError) return error;
  if (isNoAnswer(error)) return new UpstreamError('unreachable', `${issuer} did not answer`, { cause: error });
  if (stage === 'discovery') return new UpstreamError('discoveryFailed', `${issuer} could not be discovered`, { cause: error });
  const oauth = oauthErrorOf(error);
  if (error instanceof oidc.AuthorizationResponseError) {
    return new UpstreamError('authorizationError', `${issuer} answered ${oauth.error}`, { ...oauthDetails(oauth), cause: error });
  }
  if (stage === 'exchange' && (error instanceof oidc.ResponseBodyError || error instanceof oidc.WWWAuthenticateChallengeError)) {
    return new UpstreamError('tokenEndpointError', `the token endpoint of ${issuer} answered ${oauth.error ?? 'an error'}`, { ...oauthDetails(oauth), cause: error });
  }
  const causeCode = stage === 'userinfo' ? userinfoCause(error) : exchangeCause(error);
  return new UpstreamError(causeCode, `the answer of ${issuer} did not verify`, { ...oauthDetails(oauth), cause: error });
}

/** oauth4webapi's error codes (openid-client does not re-export them; they are part of its API). */
const KEY_SELECTION = 'OAUTH_KEY_SELECTION_FAILED';
const JWT_TIMESTAMP_CHECK = 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED';
const JWT_CLAIM_COMPARISON = 'OAUTH_JWT_CLAIM_COMPARISON_FAILED';
const JSON_ATTRIBUTE_COMPARISON = 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED';

type Processing = { message: string; code?: string; cause?: { claim?: unknown; attribute?: unknown; parameters?: unknown } };

/** oauth4webapi's own error (openid-client wraps it in a ClientError with a generic message). */
function processingErrorOf(error: unknown): Processing | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    if (current.name === 'OperationProcessingError') return current as Processing;
  }
  return undefined;
}

function exchangeCause(error: unknown): UpstreamFailureCause {
  const processing = processingErrorOf(error);
  if (!processing) return 'tokenResponseInvalid';
  if (processing.cause?.parameters instanceof URLSearchParams) return 'authorizationResponseInvalid';
  if (processing.code === KEY_SELECTION || /signature/i.test(processing.message)) return 'idTokenSignature';
  if (processing.code === JWT_TIMESTAMP_CHECK) return 'idTokenExpired';
  if (processing.code === JWT_CLAIM_COMPARISON) {
    switch (processing.cause?.claim) {
      case 'iss': return 'idTokenIssuer';
      case 'aud': case 'azp': return 'idTokenAudience';
      case 'nonce': return 'idTokenNonce';
      default: return 'idTokenClaims';
    }
  }
  if (/"id_token" property/.test(processing.message)) return 'idTokenMissing';
  if (/^(unexpected )?JWT "\w+" \(.*\) claim/.test(processing.message)) return 'idTokenClaims';
  return 'tokenResponseInvalid';
}

function userinfoCause(error: unknown): UpstreamFailureCause {
  const processing = processingErrorOf(error);
  if (processing?.code === JSON_ATTRIBUTE_COMPARISON && processing.cause?.attribute === 'sub') return 'userinfoSubjectMismatch';
  return 'userinfoFailed';
}

/** The OAuth `error` and `error_description` an upstream answered with, wherever openid-client put them. */
function oauthErrorOf(error: unknown): { error?: string; description?: string } {
  if (error instanceof oidc.AuthorizationResponseError || error instanceof oidc.ResponseBodyError) {
    return { error: error.error, description: error.error_description };
  }
  if (error instanceof oidc.WWWAuthenticateChallengeError) {
    const parameters = error.cause[0]?.parameters;
    return { error: parameters?.error, description: parameters?.error_description };
  }
  return {};
}

function oauthDetails(oauth: { error?: string; description?: string }): { oauthError?: string; oauthErrorDescription?: string } {
  return {
    ...(oauth.error ? { oauthError: forLog(oauth.error, 64) } : {}),
    ...(oauth.description ? { oauthErrorDescription: forLog(oauth.description, LOGGED_TEXT_LIMIT) } : {}),
  };
}

/** The one log line of a failed upstream leg: classified, and without tokens, codes, secrets or addresses. */
export interface UpstreamFailureLog {
  cause: UpstreamFailureCause;
  kind: UpstreamFailureKind;
  /** The messages of the error chain, outermost first (openid-client's, then oauth4webapi's). */
  detail: string;
  /** The HTTP status of the answer that failed, when it is known. */
  httpStatus?: number;
  oauthError?: string;
  oauthErrorDescription?: string;
  /** unreachable: what the outbound client saw (refused address, timeout, connection error). */
  failure?: Omit<OutboundFailure, 'detail'>;
}

export function describeUpstreamFailure(error: UpstreamError): UpstreamFailureLog {
  const messages: string[] = [];
  let httpStatus: number | undefined;
  // Only Error messages: the plain objects openid-client hangs on the chain are response bodies.
  let current: unknown = error.cause;
  for (let depth = 0; current instanceof Error && depth < 10; current = current.cause, depth += 1) {
    // JSON.parse quotes the start of what it could not parse: that may be a token.
    const message = current.name === 'SyntaxError' ? 'SyntaxError (the body is not JSON)' : current.message;
    if (message && !messages.includes(message)) messages.push(message);
    const { status } = current as { status?: unknown };
    if (typeof status === 'number') httpStatus ??= status;
  }
  // A response that was not what the protocol says: openid-client hangs the Response itself on the
  // chain (undici's, another class than the global one, so it is recognized by its shape).
  const response = current as { status?: unknown; headers?: unknown } | undefined;
  if (typeof response?.status === 'number' && typeof response.headers === 'object') httpStatus ??= response.status;
  let failure: UpstreamFailureLog['failure'];
  if (error.kind === 'unreachable') {
    const { detail: _detail, ...rest } = describeOutboundFailure(error.cause);
    failure = rest;
  }
  return {
    cause: error.causeCode,
    kind: error.kind,
    detail: forLog(messages.join(' <- ') || error.message, LOGGED_TEXT_LIMIT * 2),
    ...(httpStatus === undefined ? {} : { httpStatus }),
    ...(error.oauthError ? { oauthError: error.oauthError } : {}),
    ...(error.oauthErrorDescription ? { oauthErrorDescription: error.oauthErrorDescription } : {}),
    ...(failure ? { failure } : {}),
  };
}

const EMAIL_ADDRESS = /[^\s@"'<>()[\],;:]+@([^\s@"'<>()[\],;:]+)/g;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

/** Upstream text as a log line may hold it: one line, cut short, with an address reduced to its domain. */
export function forLog(text: string, limit: number): string {
  const plain = text.replace(CONTROL_CHARACTERS, ' ').replace(EMAIL_ADDRESS, '…@$1');
  return plain.length > limit ? `${plain.slice(0, limit - 1)}…` : plain;
}
