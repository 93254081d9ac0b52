import { durationInWords } from '../i18n/durations.ts';
import { type Locale, type MessageKey, t } from '../i18n/translate.ts';
import { PASSCODE_DIGITS } from '../limits.ts';
import type { SendOutcome, VerifyOutcome } from './email-otp.ts';

/**
 * A message on a step's own page after an action that did not go through (a wrong code, a new
 * code asked for too soon): its catalogue key, the values it needs, and the page's status.
 */
export interface SignInNotice {
  key: MessageKey & `notice.${string}`;
  status: number;
  /** How long the guest has to wait, put into words in their language as `{wait}`. */
  waitSeconds?: number;
  attemptsLeft?: number;
}

export const INVALID_EMAIL: SignInNotice = { key: 'notice.invalidEmail', status: 400 };

/** The code page, once the mail queue has given up on this sign-in's code mail. */
export const UNDELIVERED_CODE: SignInNotice = { key: 'notice.codeUndelivered', status: 200 };

export function sendNotice(outcome: Exclude<SendOutcome, { kind: 'sent' }>): SignInNotice {
  switch (outcome.kind) {
    case 'tooSoon':
      return { key: 'notice.codeTooSoon', status: 429, waitSeconds: outcome.retryAfterSeconds };
    case 'rateLimited':
      return { key: 'notice.codesRateLimited', status: 429, waitSeconds: outcome.retryAfterSeconds };
  }
}

export function verifyNotice(outcome: Exclude<VerifyOutcome, { kind: 'verified' }>): SignInNotice {
  switch (outcome.kind) {
    case 'malformed':
      return { key: 'notice.codeMalformed', status: 400 };
    case 'wrong':
      return { key: 'notice.codeWrong', status: 400, attemptsLeft: outcome.attemptsLeft };
    case 'dead':
      return { key: 'notice.codeDead', status: 400 };
    case 'expired':
      return { key: 'notice.codeExpired', status: 400 };
    case 'used':
      return { key: 'notice.codeUsed', status: 400 };
    case 'lockedOut':
      return { key: 'notice.lockedOut', status: 429, waitSeconds: outcome.retryAfterSeconds };
  }
}

/** The notice in words, as _message.ejs shows it. */
export function noticeText(locale: Locale, notice: SignInNotice): string {
  return t(locale, notice.key, {
    digits: PASSCODE_DIGITS,
    attemptsLeft: notice.attemptsLeft,
    wait: notice.waitSeconds === undefined ? undefined : durationInWords(locale, notice.waitSeconds),
  });
}
