import { IntlMessageFormat } from 'intl-messageformat';

import { de } from './messages.de.ts';
import { en, type MessageKey } from './messages.en.ts';
import { es } from './messages.es.ts';
import { fr } from './messages.fr.ts';

/**
 * The one way to a guest-facing text: `t(locale, key, values)` from the catalogue of `locale`
 * (messages.<locale>.ts), in ICU MessageFormat. A new language is a new catalogue with the same
 * keys, listed in CATALOGUES; choosing the guest's locale is the caller's (pages and mails take
 * one). Each message is compiled once per locale and key.
 */

export type { MessageKey } from './messages.en.ts';

/** English first: the language of last resort (guest-locale.ts). */
export const CATALOGUES = { en, de, fr, es } as const satisfies Record<string, Record<MessageKey, string>>;
export type Locale = keyof typeof CATALOGUES;
export const DEFAULT_LOCALE: Locale = 'en';
/** The languages guests can have, as discovery's ui_locales_supported names them. */
export const LOCALES = Object.keys(CATALOGUES) as Locale[];

/** A value of a message: text, a number (plurals), or a choice for `select` (true/false become "true"/"false"). */
export type MessageValues = Record<string, string | number | boolean | undefined>;

const compiled = new Map<string, IntlMessageFormat>();

function format(locale: Locale, key: MessageKey): IntlMessageFormat {
  const cacheKey = `${locale}\u0000${key}`;
  let message = compiled.get(cacheKey);
  if (!message) {
    message = new IntlMessageFormat(CATALOGUES[locale][key], locale);
    compiled.set(cacheKey, message);
  }
  return message;
}

/** The tags a message may use (messages.en.ts), as HTML. */
const HTML_TAGS: Record<string, [open: string, close: string]> = {
  strong: ['<strong>', '</strong>'],
  address: ['<strong class="address">', '</strong>'],
  code: ['<code>', '</code>'],
};

function render(locale: Locale, key: MessageKey, values: MessageValues, tag: (name: string, chunks: string) => string): string {
  const all: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) all[name] = typeof value === 'boolean' ? String(value) : value ?? '';
  for (const name of Object.keys(HTML_TAGS)) all[name] = (chunks: unknown[]) => tag(name, chunks.join(''));
  const result = format(locale, key).format(all as never);
  return Array.isArray(result) ? result.join('') : String(result);
}

/** A message as plain text (for `<%= %>` in a page, a mail's text part, a subject): tags dropped. */
export function t(locale: Locale, key: MessageKey, values: MessageValues = {}): string {
  return render(locale, key, values, (_name, chunks) => chunks);
}

/** A message as HTML (for `<%- %>`): its values escaped, its tags made elements. */
export function tHtml(locale: Locale, key: MessageKey, values: MessageValues = {}): string {
  const escaped: MessageValues = {};
  for (const [name, value] of Object.entries(values)) escaped[name] = typeof value === 'string' ? escapeHtml(value) : value;
  return render(locale, key, escaped, (name, chunks) => `${HTML_TAGS[name]![0]}${chunks}${HTML_TAGS[name]![1]}`);
}

/** What a template gets: `t` and `html` bound to the guest's locale. */
export interface Translator {
  locale: Locale;
  t: (key: MessageKey, values?: MessageValues) => string;
  html: (key: MessageKey, values?: MessageValues) => string;
}

export function translator(locale: Locale = DEFAULT_LOCALE): Translator {
  return { locale, t: (key, values) => t(locale, key, values), html: (key, values) => tHtml(locale, key, values) };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };

/** As ejs escapes `<%= %>`, so a value reads the same either way. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] as string);
}
