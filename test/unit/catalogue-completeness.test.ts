import { type MessageFormatElement, parse, TYPE } from '@formatjs/icu-messageformat-parser';

import { CATALOGUES, DEFAULT_LOCALE, type Locale } from '../../src/i18n/translate.ts';

/**
 * Every catalogue has exactly English's keys, and each of its messages takes the same values and
 * tags as English's: parsed with intl-messageformat's own parser (@formatjs/icu-messageformat-parser),
 * so a misspelt `{tenantName}`, a dropped `<address>` or a select with other choices fails here,
 * not in front of a guest. Plurals may only use the categories the language has (CLDR, through
 * Intl.PluralRules): French `one` is 0 and 1, and an English-only `=1` would be wrong there.
 */

/** What a message needs from its caller: each value with its kind, each select's choices, each tag. */
function signature(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const element of elements) {
    switch (element.type) {
      case TYPE.argument: into.add(`{${element.value}}`); break;
      case TYPE.number: into.add(`{${element.value}, number}`); break;
      case TYPE.date: into.add(`{${element.value}, date}`); break;
      case TYPE.time: into.add(`{${element.value}, time}`); break;
      case TYPE.select:
        into.add(`{${element.value}, select, ${Object.keys(element.options).sort().join(' ')}}`);
        for (const option of Object.values(element.options)) signature(option.value, into);
        break;
      case TYPE.plural:
        into.add(`{${element.value}, plural}`);
        for (const option of Object.values(element.options)) signature(option.value, into);
        break;
      case TYPE.tag:
        into.add(`<${element.value}>`);
        signature(element.children, into);
        break;
      default: break;
    }
  }
  return into;
}

function pluralCategories(elements: MessageFormatElement[]): string[] {
  return elements.flatMap((element) => {
    if (element.type === TYPE.plural) return [...Object.keys(element.options), ...Object.values(element.options).flatMap((option) => pluralCategories(option.value))];
    if (element.type === TYPE.select) return Object.values(element.options).flatMap((option) => pluralCategories(option.value));
    if (element.type === TYPE.tag) return pluralCategories(element.children);
    return [];
  });
}

const english = CATALOGUES[DEFAULT_LOCALE] as Record<string, string>;
const others = (Object.keys(CATALOGUES) as Locale[]).filter((locale) => locale !== DEFAULT_LOCALE);
const parsed = (text: string) => parse(text, { ignoreTag: false });

test('there are other languages than English', () => {
  expect(others).toEqual(expect.arrayContaining(['de', 'fr', 'es']));
});

test.each(others)('%s has every key English has, and no other', (locale) => {
  const catalogue = CATALOGUES[locale] as Record<string, string>;
  expect(Object.keys(catalogue).filter((key) => !(key in english))).toEqual([]);
  expect(Object.keys(english).filter((key) => !(key in catalogue))).toEqual([]);
});

test.each(others.flatMap((locale) => Object.keys(english).map((key) => [locale, key] as const)))('%s %s takes the same values and tags as English', (locale, key) => {
  const text = (CATALOGUES[locale] as Record<string, string>)[key];
  expect(text).toBeDefined();
  expect([...signature(parsed(text as string))].sort()).toEqual([...signature(parsed(english[key] as string))].sort());
});

test.each(Object.keys(CATALOGUES) as Locale[])('%s plurals use only its own plural categories, and always `other`', (locale) => {
  const allowed = new Set<string>(new Intl.PluralRules(locale).resolvedOptions().pluralCategories);
  for (const text of Object.values(CATALOGUES[locale] as Record<string, string>)) {
    const categories = pluralCategories(parsed(text));
    if (categories.length === 0) continue;
    expect(categories).toContain('other');
    for (const category of categories) expect({ text, category, allowed: allowed.has(category) || /^=\d+$/.test(category) }).toEqual({ text, category, allowed: true });
  }
});

test('the comparison sees a missing value, a dropped tag and a different choice', () => {
  const sig = (text: string) => [...signature(parsed(text))].sort();
  const reference = sig(english['sendCode.lead'] as string);
  expect(sig('{isRedemption, select, true {x} other {y}} <address>{mail}</address>')).not.toEqual(reference);
  expect(sig('{isRedemption, select, true {x {tenantName}} other {y}} {email}')).not.toEqual(reference);
  expect(sig('{isRedemption, select, yes {x {tenantName}} other {y}} <address>{email}</address>')).not.toEqual(reference);
  expect(sig('{isRedemption, select, true {x {tenantName}} other {y}} <address>{email}</address>')).toEqual(reference);
});
