import type { Context } from 'koa';

import { DEFAULT_LOCALE, type Locale, LOCALES } from './translate.ts';

/**
 * The language a guest's page is in: where the locale is chosen, for every page and every text a
 * handler puts on one (titles, notices, problems).
 *
 * 1. The language a sign-in settled on (`ctx.state.guestLocale`, set by loadAttempt from the
 *    sign-in state), so every step of one sign-in stays in one language, across redirects and
 *    the way back from an upstream provider.
 * 2. `ui_locales` of the request oidc-provider is handling (the end-session endpoint takes it too).
 * 3. Accept-Language, by q-value, a region falling back to its language (`de-AT` is German).
 * 4. English.
 */
export function guestLocale(ctx: Context): Locale {
  const settled = (ctx.state as { guestLocale?: unknown } | undefined)?.guestLocale;
  if (isLocale(settled)) return settled;
  return requestedLocale(ctx, oidcUiLocales(ctx));
}

/**
 * The language of a sign-in, for this request and the state it is saved with: the one it settled
 * on before (`stored`), else what its authorization request asks for.
 */
export function settleGuestLocale(ctx: Context, stored: string | undefined, uiLocales: unknown): Locale {
  const locale = isLocale(stored) ? stored : requestedLocale(ctx, uiLocales);
  (ctx.state as { guestLocale?: Locale }).guestLocale = locale;
  return locale;
}

/** A new sign-in's language: the authorization request's `ui_locales`, else Accept-Language, else English. */
export function requestedLocale(ctx: Context, uiLocales: unknown): Locale {
  return uiLocale(uiLocales) ?? acceptedLocale(ctx) ?? DEFAULT_LOCALE;
}

/** The first of a space-separated `ui_locales` list (OpenID Connect Core 3.1.2.1) we have, by language or language-region. */
export function uiLocale(uiLocales: unknown): Locale | undefined {
  if (typeof uiLocales !== 'string') return undefined;
  for (const tag of uiLocales.split(' ')) {
    const language = tag.split('-')[0]?.toLowerCase();
    if (isLocale(language)) return language;
  }
  return undefined;
}

/**
 * Koa's negotiation (the `negotiator` package): by q-value, and `de-AT` matches `de`. Without an
 * Accept-Language header it answers the first language offered, which is English.
 */
function acceptedLocale(ctx: Context): Locale | undefined {
  const accepted = ctx.acceptsLanguages(LOCALES);
  return isLocale(accepted) ? accepted : undefined;
}

/** `ui_locales` of oidc-provider's request, when this page is one of its (end-session, its error page). */
function oidcUiLocales(ctx: Context): unknown {
  try {
    return (ctx as { oidc?: { params?: Record<string, unknown> } }).oidc?.params?.ui_locales;
  } catch {
    return undefined;
  }
}

function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as string[]).includes(value);
}
