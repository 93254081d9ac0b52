import { failureStatus, SIGN_IN_FAILURES, type SignInFailureKind } from '../../src/activity/sign-in-failures.ts';
import { failureText } from '../../src/console/sign-in-log-page.ts';
import { LOCALES } from '../../src/i18n/translate.ts';

/**
 * The sign-in log page's reason for a failure: the log stores an error code and English words;
 * the page says it in the reader's language, by the code, and falls back to the stored words only
 * where the catalogue has no choice for the code.
 */

const KINDS = (Object.keys(SIGN_IN_FAILURES) as SignInFailureKind[]).filter((kind) => kind !== 'other');

test.each(LOCALES)('in %s, every kind of failure has its own words, not the stored English', (locale) => {
  const texts = KINDS.map((kind) => failureText(locale, { ...failureStatus({ kind }), failureReason: 'STORED' }));
  expect(texts.filter((text) => text === 'STORED' || text === '')).toEqual([]);
  // Each kind says something different.
  expect(new Set(texts).size).toBe(KINDS.length);
});

test('a code without words of its own (other, or one added later) shows the stored reason', () => {
  const other = failureStatus({ kind: 'other', values: { problem: 'somethingNew' } });
  expect(failureText('de', other)).toBe(other.failureReason);
  expect(failureText('fr', { errorCode: 1900077, failureReason: 'A reason from a newer version.' })).toBe('A reason from a newer version.');
});

test('the wrong-code failure reads as the help desk needs it', () => {
  expect(failureText('en', failureStatus({ kind: 'wrongCode', values: { attemptsLeft: 4 } }))).toBe('Wrong code entered. The guest can try again, or ask for a new code.');
  expect(failureText('es', failureStatus({ kind: 'lockedOut' }))).toContain('Bloqueado');
});
