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
  /**
   * `error`: something the guest must fix (an alert, the field marked invalid); `notice`: how
   * things stand, nothing wrong with what they typed (a status message, the field left alone).
   */
  kind: 'error' | 'notice';
  status: number;
  /** How long the guest has to wait, put into words in their language as `{wait}`. */
  waitSeconds?: number;
  attemptsLeft?: number;
}

export const INVALID_EMAIL: SignInNotice = { key: 'notice.invalidEmail', kind: 'error', status: 400 };

/** The code page, once the mail queue has given up on this sign-in's code mail. */
export const UNDELIVERED_CODE: SignInNotice = { key: 'notice.codeUndelivered', kind: 'error', status: 200 };

export function sendNotice(outcome: Exclude<SendOutcome, { kind: 'sent' }>): SignInNotice {
  switch (outcome.kind) {
    case 'tooSoon':
      // The code already sent still works: nothing to fix, only a moment to wait.
      return { key: 'notice.codeTooSoon', kind: 'notice', status: 429, waitSeconds: outcome.retryAfterSeconds };
    case 'rateLimited':
      return { key: 'notice.codesRateLimited', kind: 'error', status: 429, waitSeconds: outcome.retryAfterSeconds };
  }
}

export function verifyNotice(outcome: Exclude<VerifyOutcome, { kind: 'verified' }>): SignInNotice {
  switch (outcome.kind) {
    case 'malformed':
      return { key: 'notice.codeMalformed', kind: 'error', status: 400 };
    case 'wrong':
      return { key: 'notice.codeWrong', kind: 'error', status: 400, attemptsLeft: outcome.attemptsLeft };
    case 'dead':
      return { key: 'notice.codeDead', kind: 'error', status: 400 };
    case 'expired':
      return { key: 'notice.codeExpired', kind: 'error', status: 400 };
    case 'used':
      return { key: 'notice.codeUsed', kind: 'error', status: 400 };
    case 'lockedOut':
      return { key: 'notice.lockedOut', kind: 'error', status: 429, waitSeconds: outcome.retryAfterSeconds };
  }
}

/** The notice as _message.ejs shows it: its kind and its words. */
export function noticeMessage(locale: Locale, notice: SignInNotice): { kind: SignInNotice['kind']; text: string } {
  return { kind: notice.kind, text: noticeText(locale, notice) };
}

/** The notice in words. */
function noticeText(locale: Locale, notice: SignInNotice): string {
  return t(locale, notice.key, {
    digits: PASSCODE_DIGITS,
    attemptsLeft: notice.attemptsLeft,
    wait: notice.waitSeconds === undefined ? undefined : durationInWords(locale, notice.waitSeconds),
  });
}
