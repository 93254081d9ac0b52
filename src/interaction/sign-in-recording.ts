import type { Context } from 'koa';

import { failureOfProblem, type SignInFailure } from '../activity/sign-in-failures.ts';
import type { SignInLog } from '../activity/sign-in-log.ts';
import type { SignInSource, User } from '../guests/user.ts';
import type { UserRepository } from '../store/user-repository.ts';
import type { Tenant } from '../tenants/tenant.ts';
import type { VerifyOutcome } from './email-otp.ts';
import type { SignInMethod } from './home-realm-discovery.ts';
import type { Attempt } from './sign-in-context.ts';
import type { SignInProblem } from './sign-in-problem.ts';

/**
 * The sign-in's side of the sign-in log (src/activity/sign-in-log.ts): the steps say "this attempt
 * ended so" and this fills in the rest from the request and the attempt (who, which app, from
 * where, which request). Recording never fails the sign-in.
 */

export interface SignInRecording {
  signInLog: SignInLog;
  users: UserRepository;
}

export interface SignInEnd {
  /** undefined: the guest signed in. */
  failure?: SignInFailure;
  /** The user, when the step has it; otherwise looked up by the attempt's address. */
  user?: User;
  /** How they signed in (or tried to); the attempt's method without it. */
  method?: SignInMethod;
  /** The second factor they gave (or tried), after the first (src/mfa). */
  secondFactor?: 'totp' | 'passkey' | 'recoveryCode';
}

const SECOND_FACTOR_WORDS: Record<NonNullable<SignInEnd['secondFactor']>, string> = {
  totp: 'Authenticator app (TOTP)',
  passkey: 'Passkey',
  recoveryCode: 'Recovery code',
};

const SOURCE_WORDS: Record<SignInSource, string> = {
  EmailOTP: 'Email one-time passcode',
  Google: 'Google',
  HomeTenant: 'Home tenant',
  ConsumerAccount: 'Personal account',
  DirectFederation: 'Federated identity provider',
};

export async function recordSignIn(recording: SignInRecording, ctx: Context, tenant: Tenant, attempt: Attempt | undefined, end: SignInEnd): Promise<void> {
  const email = attempt?.state.email ?? null;
  const user = end.user ?? (email ? await recording.users.findByMail(tenant.id, email).catch(() => undefined) : undefined);
  const method = end.method ?? attempt?.state.method;
  const clientId = attempt?.interaction.params.client_id;
  await recording.signInLog.record(tenant.id, {
    userId: user?.id ?? null,
    userPrincipalName: email ?? user?.mail ?? null,
    userDisplayName: user?.displayName ?? null,
    appId: typeof clientId === 'string' ? clientId : null,
    appDisplayName: attempt?.clientName ?? null,
    ipAddress: ctx.ip,
    correlationId: String(ctx.state.requestId ?? ''),
    authenticationMethod: end.secondFactor
      ? `${methodInWords(method) ?? 'First factor'}, then ${SECOND_FACTOR_WORDS[end.secondFactor]}`
      : methodInWords(method),
    methodLabel: method?.kind === 'EmailOTP' ? 'EmailOTP' : method?.kind === 'federation' ? method.upstream.source : 'none',
    ...(end.failure ? { failure: end.failure } : {}),
  });
}

function methodInWords(method: SignInMethod | undefined): string | null {
  if (method?.kind === 'EmailOTP') return SOURCE_WORDS.EmailOTP;
  if (method?.kind === 'federation') return `${SOURCE_WORDS[method.upstream.source]} (${method.upstream.displayName})`;
  return null;
}

/** A wrong, old or used code, or a locked address, as the log gives it. */
export function codeFailure(outcome: Exclude<VerifyOutcome, { kind: 'verified' }>, now = Date.now()): SignInFailure {
  switch (outcome.kind) {
    case 'malformed':
      return { kind: 'malformedCode' };
    case 'wrong':
      return { kind: 'wrongCode', values: { attemptsLeft: outcome.attemptsLeft } };
    case 'dead':
      return { kind: 'codeUsedUp' };
    case 'expired':
      return { kind: 'codeExpired' };
    case 'used':
      return { kind: 'codeAlreadyUsed' };
    case 'lockedOut':
      return { kind: 'lockedOut', values: { lockedUntil: new Date(now + outcome.retryAfterSeconds * 1000).toISOString() } };
  }
}

/** The no-method page's reason, as the log gives it. */
export function unavailableFailure(method: SignInMethod | undefined): SignInFailure {
  if (method?.kind !== 'unavailable') return { kind: 'noMethod' };
  switch (method.reason) {
    case 'noMethod':
    case 'emailOtpDisabled':
    case 'methodUnavailable':
      return { kind: method.reason };
    default:
      // A reason added later (a blocked account, say) is logged by its name until it has a row.
      return failureOfProblem(String(method.reason));
  }
}

/**
 * A sign-in problem page (sign-in-problem.ts) as a log entry. `invitationNotAccepted` is the
 * redemption's end after the guest cancelled, which the cancel already recorded.
 */
export function problemRecorder(recording: SignInRecording, attemptOf: (ctx: Context) => Attempt | undefined = () => undefined) {
  return async (ctx: Context, tenant: Tenant, problem: SignInProblem): Promise<void> => {
    if (problem.code === 'invitationNotAccepted') return;
    await recordSignIn(recording, ctx, tenant, attemptOf(ctx), { failure: failureOfProblem(problem.code, problem.values) });
  };
}
