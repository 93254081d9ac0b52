import { type Branding, brandingStylesheetUrl, squareLogoUrl } from './branding.ts';

/**
 * What pages and mails need of a tenant's branding, ready to print: absolute URLs built from
 * BASE_URL, and nothing for what the tenant did not set (the page keeps the product's own look).
 */
export interface BrandingView {
  logoUrl?: string;
  /** The logo's own size in pixels, with `logoUrl`: mails size it by attributes (no object-fit there). */
  logoSize?: { width: number; height: number };
  /** `#RRGGBB`. Pages cannot put it in a style attribute (strict CSP): link `stylesheetUrl` instead. */
  backgroundColor?: string;
  /**
   * Text on the background colour in black or white, whichever contrasts more with it (at least
   * 4.5:1 for any colour, WCAG 2.2 1.4.3), for anything drawn straight on the background.
   */
  textOnBackground?: '#000000' | '#FFFFFF';
  /** A same-origin stylesheet setting `--brand-background` and `--brand-text-on-background`. */
  stylesheetUrl?: string;
  signInPageText?: string;
  usernameHintText?: string;
  privacyUrl?: string;
  termsUrl?: string;
}

export function brandingView(branding: Branding, tenantId: string, baseUrl: string): BrandingView {
  const view: BrandingView = {};
  if (branding.squareLogo) {
    view.logoUrl = squareLogoUrl(baseUrl, tenantId, branding.squareLogo);
    view.logoSize = { width: branding.squareLogo.width, height: branding.squareLogo.height };
  }
  if (branding.backgroundColor) {
    view.backgroundColor = branding.backgroundColor;
    view.textOnBackground = textColourOn(branding.backgroundColor);
    view.stylesheetUrl = brandingStylesheetUrl(baseUrl, tenantId, branding.backgroundColor);
  }
  if (branding.signInPageText) view.signInPageText = branding.signInPageText;
  if (branding.usernameHintText) view.usernameHintText = branding.usernameHintText;
  if (branding.customPrivacyAndCookiesUrl) view.privacyUrl = branding.customPrivacyAndCookiesUrl;
  if (branding.customTermsOfUseUrl) view.termsUrl = branding.customTermsOfUseUrl;
  return view;
}

/** The stylesheet that carries a tenant's colours: only validated `#RRGGBB` values ever reach it. */
export function brandingStylesheet(backgroundColor: string): string {
  return `:root {\n  --brand-background: ${backgroundColor};\n  --brand-text-on-background: ${textColourOn(backgroundColor)};\n}\n`;
}

/** Black or white, whichever has the higher contrast ratio with `#RRGGBB` (WCAG 2.2 relative luminance). */
export function textColourOn(backgroundColor: string): '#000000' | '#FFFFFF' {
  const luminance = relativeLuminance(backgroundColor);
  const withBlack = (luminance + 0.05) / 0.05;
  const withWhite = 1.05 / (luminance + 0.05);
  return withBlack >= withWhite ? '#000000' : '#FFFFFF';
}

function relativeLuminance(colour: string): number {
  const [red, green, blue] = [1, 3, 5].map((start) => {
    const channel = Number.parseInt(colour.slice(start, start + 2), 16) / 255;
    return channel <= 0.04045 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * red + 0.7152 * green + 0.0722 * blue;
}
