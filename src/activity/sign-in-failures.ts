/**
 * Why a sign-in failed, as the sign-in log gives it: Graph's `status: {errorCode, failureReason}`.
 * errorCode is stable (tools and alerts key on it): Entra's AADSTS number where Entra has the case,
 * else one of guest-idp's own in 1900000–1900099. failureReason is for a help desk: what happened
 * and what fixes it. The table is documented in docs/sign-in-log.md; keep the two in step.
 */

export type SignInFailureKind =
  | 'wrongCode' | 'malformedCode' | 'codeExpired' | 'codeUsedUp' | 'codeAlreadyUsed' | 'lockedOut'
  | 'noMethod' | 'emailOtpDisabled' | 'methodUnavailable'
  | 'notInvited' | 'invitationUnusable'
  | 'differentAccount' | 'unverifiedEmail' | 'emailMismatch'
  | 'upstreamUnreachable' | 'upstreamRefused' | 'upstreamInvalid' | 'upstreamGone' | 'federationTooLate'
  | 'mfaFailed' | 'mfaCodeReplayed' | 'mfaLockedOut' | 'mfaUnavailable'
  | 'accountBlocked' | 'expired' | 'changedMeanwhile' | 'forgedForm' | 'cancelled' | 'other';

/** What some reasons say besides the kind. */
export interface SignInFailureValues {
  /** lockedOut: when the lock ends. */
  lockedUntil?: string;
  /** wrongCode: tries left on this code. */
  attemptsLeft?: number;
  /** upstream*: the identity provider's name. */
  upstream?: string;
  /** upstreamRefused: the OAuth error it answered, when well-formed. */
  oauthError?: string;
  /** mfa*: the second factor tried (`totp`, `passkey`, `recoveryCode`). */
  secondFactor?: string;
  /** other: the problem's own code, so a new kind of failure is still told apart. */
  problem?: string;
}

export interface SignInFailure {
  kind: SignInFailureKind;
  values?: SignInFailureValues;
}

interface FailureEntry {
  errorCode: number;
  reason: (values: SignInFailureValues) => string;
}

const SECOND_FACTOR_WORDS: Record<string, string> = {
  totp: 'the authenticator app code',
  passkey: 'the passkey',
  recoveryCode: 'the recovery code',
};

const upstreamName = (values: SignInFailureValues) => values.upstream ?? 'The identity provider';

export const SIGN_IN_FAILURES: Record<SignInFailureKind, FailureEntry> = {
  wrongCode: {
    errorCode: 50126,
    reason: ({ attemptsLeft }) => `Wrong code entered: not the code mailed for this sign-in.${attemptsLeft === undefined ? '' : ` ${attemptsLeft} more tries with this code, then the guest must ask for a new one.`}`,
  },
  malformedCode: { errorCode: 1900001, reason: () => 'What was entered is not an 8-digit code: the guest should copy the code from the latest mail.' },
  codeExpired: { errorCode: 1900002, reason: () => 'Code expired (or replaced by a newer one): the guest must ask for a new code.' },
  codeUsedUp: { errorCode: 1900003, reason: () => 'Too many wrong codes with this code: it no longer works; the guest must ask for a new code.' },
  codeAlreadyUsed: { errorCode: 1900004, reason: () => 'The code was already used (the form was sent twice): the guest should start the sign-in again.' },
  lockedOut: {
    errorCode: 50053,
    reason: ({ lockedUntil }) => `Too many wrong codes for this address: locked out until ${lockedUntil ?? 'the lock ends'}. It ends by itself; a new code does not lift it.`,
  },
  noMethod: {
    errorCode: 1900010,
    reason: () => 'No sign-in method for this address: no identity provider of the tenant serves its domain and email one-time passcode is off. Enable email OTP or configure an identity provider.',
  },
  emailOtpDisabled: {
    errorCode: 1900011,
    reason: () => 'The guest redeemed with email one-time passcode, which is disabled for the tenant: enable it again (policies/emailOtp) or reset the guest\'s redemption.',
  },
  methodUnavailable: {
    errorCode: 1900012,
    reason: () => 'The identity provider the guest redeemed with is no longer configured for the tenant: configure it again or reset the guest\'s redemption.',
  },
  notInvited: { errorCode: 50020, reason: () => 'The address has no guest account in the tenant: invite it first.' },
  invitationUnusable: {
    errorCode: 1900020,
    reason: () => 'The invitation link is used, replaced or withdrawn: send a new invitation (resetRedemption if the guest had redeemed).',
  },
  differentAccount: {
    errorCode: 1900030,
    reason: () => 'The guest signed in upstream with another account than the one their guest account is linked to (or redeemed another way): ask them to use that account, or reset their redemption.',
  },
  unverifiedEmail: { errorCode: 1900031, reason: (values) => `${upstreamName(values)} does not vouch for the account's address (email_verified is not true): the guest cannot sign in with it.` },
  emailMismatch: { errorCode: 1900032, reason: (values) => `The account at ${upstreamName(values)} has another address than the invited one: invite that address, or the guest signs in with the invited one.` },
  upstreamUnreachable: { errorCode: 1900040, reason: (values) => `${upstreamName(values)} could not be reached (network, DNS or TLS): check the identity provider and try again.` },
  upstreamRefused: {
    errorCode: 1900041,
    reason: (values) => `${upstreamName(values)} refused the sign-in${values.oauthError ? ` (${values.oauthError})` : ''}: the guest or the provider's administrator must look there.`,
  },
  upstreamInvalid: { errorCode: 1900042, reason: (values) => `${upstreamName(values)} answered with something that does not check out (token, signature or response): check the identity provider's configuration.` },
  upstreamGone: { errorCode: 1900043, reason: () => 'The identity provider was removed from the tenant during the sign-in.' },
  federationTooLate: { errorCode: 1900044, reason: () => 'The answer from the identity provider came after the sign-in step expired, or came twice: the guest should try again.' },
  mfaFailed: {
    errorCode: 500121,
    reason: ({ secondFactor }) => `Authentication failed during strong authentication request: ${SECOND_FACTOR_WORDS[secondFactor ?? ''] ?? 'the second factor'} did not check out. Repeated failures lock the guest out for a while.`,
  },
  mfaCodeReplayed: {
    errorCode: 1900060,
    reason: () => 'An authenticator app code that was already used was entered again (replay, or a form sent twice): the guest should enter the next code their app shows.',
  },
  mfaLockedOut: {
    errorCode: 1900061,
    reason: ({ lockedUntil }) => `Too many wrong second factors for this guest: locked out until ${lockedUntil ?? 'the lock ends'}. It ends by itself.`,
  },
  mfaUnavailable: {
    errorCode: 1900062,
    reason: () => 'A second factor was required (guestMfa policy or the app\'s acr_values=mfa) but none of the allowed methods can be used: the app got unmet_authentication_requirements.',
  },
  accountBlocked: { errorCode: 50057, reason: () => 'The account is blocked (accountEnabled is false, "Block sign-in"): set accountEnabled to true to let the user in.' },
  expired: { errorCode: 50089, reason: () => 'The sign-in attempt expired (an hour passed, or it was already finished): the guest should start again from the app.' },
  changedMeanwhile: { errorCode: 1900050, reason: () => 'An administrator changed the guest (reset redemption, deletion) while they were signing in: the guest should start again.' },
  forgedForm: { errorCode: 1900051, reason: () => 'A form without this sign-in\'s security token was sent (an old tab, or a forged request): the guest should start again.' },
  cancelled: { errorCode: 1900052, reason: () => 'The guest cancelled the sign-in.' },
  other: { errorCode: 1900099, reason: ({ problem }) => `Sign-in failed (${problem ?? 'unknown problem'}): find the correlationId in the server log.` },
};

/** The Graph `status` of a failed sign-in. */
export function failureStatus({ kind, values = {} }: SignInFailure): { errorCode: number; failureReason: string } {
  // A kind without a row (one a newer caller made up) is still a failure, and says which.
  if (!Object.hasOwn(SIGN_IN_FAILURES, kind)) return failureStatus({ kind: 'other', values: { ...values, problem: String(kind) } });
  const entry = SIGN_IN_FAILURES[kind];
  return { errorCode: entry.errorCode, failureReason: entry.reason(values) };
}

/**
 * The failure a sign-in problem page stands for (src/interaction/sign-in-problem.ts), by the
 * problem's code. A code not listed (a kind of problem added later) is logged as `other`, with
 * the code in its reason: it is still in the log, and still a failure.
 */
const PROBLEM_FAILURES: Record<string, SignInFailureKind> = {
  expired: 'expired',
  changedMeanwhile: 'changedMeanwhile',
  forgedForm: 'forgedForm',
  federationTooLate: 'federationTooLate',
  invitationUnusable: 'invitationUnusable',
  notInvited: 'notInvited',
  differentAccount: 'differentAccount',
  unverifiedEmail: 'unverifiedEmail',
  emailMismatch: 'emailMismatch',
  upstreamUnreachable: 'upstreamUnreachable',
  upstreamRefused: 'upstreamRefused',
  upstreamInvalid: 'upstreamInvalid',
  upstreamGone: 'upstreamGone',
  // Block sign-in (accountEnabled: false), under the names its problem page may take.
  accountBlocked: 'accountBlocked',
  accountDisabled: 'accountBlocked',
  signInBlocked: 'accountBlocked',
};

export function failureOfProblem(code: string, values: { upstream?: unknown; oauthError?: unknown } = {}): SignInFailure {
  const kind = Object.hasOwn(PROBLEM_FAILURES, code) ? PROBLEM_FAILURES[code] as SignInFailureKind : 'other';
  return {
    kind,
    values: {
      ...(typeof values.upstream === 'string' ? { upstream: values.upstream } : {}),
      ...(typeof values.oauthError === 'string' && /^[a-z0-9_.-]{1,64}$/i.test(values.oauthError) ? { oauthError: values.oauthError } : {}),
      ...(kind === 'other' ? { problem: code } : {}),
    },
  };
}
