import { CATALOGUES, DEFAULT_LOCALE, type Locale } from './translate.ts';

/** A well-formed BCP 47 language tag ("de", "de-DE", "zh-Hant-TW"), as Intl reads them. */
export function isLanguageTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

/**
 * The catalogue for a language tag named by someone else (an inviter's `messageLanguage`): the one
 * of its language part ("de-DE" and "de-CH" both read German; "pt-BR" has none), else English,
 * as Graph falls back to English for a language it has no mail in.
 */
export function localeForLanguageTag(tag: string | undefined): Locale {
  if (tag === undefined || !isLanguageTag(tag)) return DEFAULT_LOCALE;
  const language = new Intl.Locale(tag).language;
  return Object.hasOwn(CATALOGUES, language) ? language as Locale : DEFAULT_LOCALE;
}
