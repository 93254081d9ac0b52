import { durationInWords } from '../../src/i18n/durations.ts';
import { CATALOGUES, type Locale, type MessageKey, t, tHtml } from '../../src/i18n/translate.ts';

/** The message catalogues (src/i18n): every message is valid ICU, text only, and reads as intended. */

const entries = Object.entries(CATALOGUES).flatMap(([locale, catalogue]) => Object.entries(catalogue).map(([key, text]) => [locale as Locale, key as MessageKey, text] as const));

test.each(entries)('%s %s compiles and is text, with only the catalogue’s tags', (locale, key, text) => {
  expect(text.replace(/<\/?(strong|address|code)>/g, '')).not.toMatch(/[<>&]/);
  const values = Object.fromEntries([...text.matchAll(/\{(\w+)/g)].map(([, name]) => [name as string, 1]));
  expect(() => t(locale, key, values)).not.toThrow();
});

test('plurals come from ICU, not string concatenation', () => {
  expect(t('en', 'notice.codeWrong', { attemptsLeft: 1 })).toBe('That code isn’t right. You can try 1 more time with this code.');
  expect(t('en', 'notice.codeWrong', { attemptsLeft: 3 })).toBe('That code isn’t right. You can try 3 more times with this code.');
});

test('html() escapes values and renders tags; t() drops the tags', () => {
  expect(tHtml('en', 'enterCode.triedToSend', { email: '<x>@example.com' })).toBe('We tried to email a code to <strong class="address">&lt;x&gt;@example.com</strong>.');
  expect(t('en', 'enterCode.triedToSend', { email: '<x>@example.com' })).toBe('We tried to email a code to <x>@example.com.');
});

test('one duration formatter: seconds under a minute, whole hours, otherwise minutes rounded up', () => {
  expect(durationInWords('en', 1)).toBe('1 second');
  expect(durationInWords('en', 45)).toBe('45 seconds');
  expect(durationInWords('en', 60)).toBe('1 minute');
  expect(durationInWords('en', 61)).toBe('2 minutes');
  expect(durationInWords('en', 1800)).toBe('30 minutes');
  expect(durationInWords('en', 3600)).toBe('1 hour');
});
