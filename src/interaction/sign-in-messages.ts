import type { UpstreamReference } from '../federation/upstream.ts';
import { UpstreamError } from '../federation/upstream-failure.ts';
import type { FederatedRefusal } from '../guests/redemption.ts';
import { PASSCODE_DIGITS } from '../limits.ts';
import type { Tenant } from '../tenants/tenant.ts';
import type { SendOutcome, VerifyOutcome } from './email-otp.ts';
import { SignInProblem } from './sign-in-problem.ts';

/** What the guest reads when a step of signing in does not go through: one place for the wording. */

/** An OAuth error code as RFC 6749 spells them (invalid_grant): anything else an upstream sent is not shown. */
const OAUTH_ERROR_CODE = /^[a-z0-9_.-]{1,64}$/i;

/**
 * A failed upstream leg: the guest learns which provider, what went wrong, and can try again; the
 * page carries the request id (web/pages.ts), which finds the cause in the log.
 */
export function upstreamProblem(error: unknown, upstream: UpstreamReference, retryUrl: string): SignInProblem {
  if (!(error instanceof UpstreamError)) {
    if ((error as { status?: number }).status === 404) {
      return new SignInProblem(503, `${upstream.displayName} is not available`, `${upstream.displayName} is no longer set up for signing in here.`, 'Ask the person who invited you to check the organization’s sign-in settings.');
    }
    throw error;
  }
  switch (error.kind) {
    case 'unreachable':
      return new SignInProblem(503, `We couldn’t reach ${upstream.displayName}`, `${upstream.displayName} is not answering right now. Nothing was changed.`, 'Wait a moment, then try again.', retryUrl);
    case 'refused':
      // An error the guest brought back is about their sign-in (400); one from the token endpoint
      // is between this server and the provider, which failed us as a gateway (502).
      return new SignInProblem(error.causeCode === 'authorizationError' ? 400 : 502, `Signing in at ${upstream.displayName} didn’t finish`,
        error.oauthError === 'access_denied' ? `${upstream.displayName} says access was denied, or the sign-in was cancelled.`
          : OAUTH_ERROR_CODE.test(error.oauthError ?? '') ? `${upstream.displayName} answered with an error (${error.oauthError}).`
            : `${upstream.displayName} answered with an error.`,
        'You can try again.', retryUrl);
    case 'invalidResponse':
      return new SignInProblem(502, `We couldn’t verify the answer from ${upstream.displayName}`, 'Its answer did not pass our checks, so we did not sign you in.', 'Try again. If it keeps happening, tell the person who invited you.', retryUrl);
  }
}

export function refusedProblem(reason: FederatedRefusal, upstream: UpstreamReference, email: string, tenant: Tenant, upstreamEmail: string | undefined, retryUrl: string): SignInProblem {
  switch (reason) {
    case 'notInvited':
      return new SignInProblem(403, 'You don’t have access yet', `${tenant.displayName} has not invited ${email}.`, 'Ask someone at the organization to invite you, then use the link in the invitation.');
    case 'differentAccount':
      return new SignInProblem(403, 'That is a different account', `${email} signs in to ${tenant.displayName} with another ${upstream.displayName} account than the one you used.`, `Sign in at ${upstream.displayName} with the account you used before, or ask the person who invited you to reset your invitation.`, retryUrl);
    case 'unverifiedEmail':
      return new SignInProblem(403, `${upstream.displayName} hasn’t confirmed your address`, `${upstream.displayName} did not confirm that ${upstreamEmail ?? 'the address'} belongs to you, so it can’t be used to accept an invitation.`, `Confirm the address at ${upstream.displayName}, then try again.`, retryUrl);
    case 'emailMismatch':
      return new SignInProblem(403, 'That account has another address', `You signed in at ${upstream.displayName} as ${upstreamEmail ?? 'someone else'}, but the invitation is for ${email}.`, `Sign in at ${upstream.displayName} as ${email}, or use a different address.`, retryUrl);
  }
}

export function invitationUnusable(): SignInProblem {
  return new SignInProblem(410, 'This invitation link can’t be used',
    'It has already been accepted, or it has expired.',
    'If you accepted it before, open the app directly and sign in with your email address. Otherwise ask the person who invited you for a new invitation.');
}


function inMinutes(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

export function describeSendOutcome(outcome: Exclude<SendOutcome, { kind: 'sent' }>): { text: string; status: number } {
  switch (outcome.kind) {
    case 'tooSoon':
      return { text: `We just sent a code. You can ask for another one in ${inMinutes(outcome.retryAfterSeconds)}.`, status: 429 };
    case 'rateLimited':
      return { text: `Too many codes were requested. Try again in ${inMinutes(outcome.retryAfterSeconds)}.`, status: 429 };
  }
}

/** The code page, once the mail queue has given up on this sign-in's code mail. */
export const UNDELIVERED_CODE_TEXT = 'We couldn’t deliver the code to this address. Send a new code.';

export function describeVerifyOutcome(outcome: Exclude<VerifyOutcome, { kind: 'verified' }>): { text: string; status: number } {
  switch (outcome.kind) {
    case 'malformed':
      return { text: `Enter the ${PASSCODE_DIGITS}-digit code from the email.`, status: 400 };
    case 'wrong':
      return { text: `That code isn’t right. You can try ${outcome.attemptsLeft} more time${outcome.attemptsLeft === 1 ? '' : 's'} with this code.`, status: 400 };
    case 'dead':
      return { text: 'That code was tried too many times and no longer works. Send a new code.', status: 400 };
    case 'expired':
      return { text: 'That code has expired. Send a new code.', status: 400 };
    case 'used':
      return { text: 'That code has already been used. Send a new code.', status: 400 };
    case 'lockedOut':
      return { text: `Too many wrong codes for this address. For your security, try again in ${inMinutes(outcome.retryAfterSeconds)}.`, status: 429 };
  }
}
