import type { Context } from 'koa';

import { DEFAULT_LOCALE, type Locale } from './translate.ts';

/**
 * The language a guest's page is in: where the locale is chosen, for every page and every text a
 * handler puts on one (titles, notices, problems). English for now; `ui_locales`, then
 * Accept-Language belong here.
 */
export function guestLocale(_ctx: Context): Locale {
  return DEFAULT_LOCALE;
}
