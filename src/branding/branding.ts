/**
 * A tenant's company branding: what Microsoft Graph calls `organizationalBranding`, the subset
 * guests see on the sign-in pages and in mails. Every field is optional: a tenant that set nothing
 * gets the product's own look.
 */
export interface Branding {
  /** `#RRGGBB`, upper case (Graph's documented format). */
  backgroundColor?: string;
  /** Plain text on the first sign-in page, under its heading (Graph allows 1024 characters). */
  signInPageText?: string;
  /** Plain text shown in the email field while it is empty (Graph allows 64 characters). */
  usernameHintText?: string;
  customPrivacyAndCookiesUrl?: string;
  customTermsOfUseUrl?: string;
  /** What is known of the uploaded square logo; its bytes are stored apart (store/branding-repository.ts). */
  squareLogo?: SquareLogoInfo;
}

/** The branding fields a PATCH may set (`null` clears one). */
export const BRANDING_TEXT_FIELDS = [
  'backgroundColor', 'signInPageText', 'usernameHintText', 'customPrivacyAndCookiesUrl', 'customTermsOfUseUrl',
] as const;
export type BrandingTextField = (typeof BRANDING_TEXT_FIELDS)[number];
export type BrandingChanges = Partial<Record<BrandingTextField, string | null>>;

export const LOGO_CONTENT_TYPES = { png: 'image/png', jpeg: 'image/jpeg' } as const;
export type LogoFormat = keyof typeof LOGO_CONTENT_TYPES;

export interface SquareLogoInfo {
  format: LogoFormat;
  width: number;
  height: number;
  /** SHA-256 of the bytes, base64url: the served logo's ETag and the version in its URL. */
  sha256: string;
  byteLength: number;
  updatedDateTime: string;
}

export interface SquareLogo {
  info: SquareLogoInfo;
  bytes: Buffer;
}

/** The branding with the changes applied: a given field replaces, `null` clears, a missing one stays. */
export function applyBrandingChanges(branding: Branding, changes: BrandingChanges): Branding {
  const next: Branding = { ...branding };
  for (const field of BRANDING_TEXT_FIELDS) {
    const change = changes[field];
    if (change === null) delete next[field];
    else if (change !== undefined) next[field] = change;
  }
  return next;
}

/** Path of a tenant's square logo under its issuer; the tenant's verified domains work in its place. */
export function squareLogoPath(tenantId: string): string {
  return `/${tenantId}/v2.0/branding/squareLogo`;
}

/**
 * The logo's public address, built from BASE_URL. It carries the content hash, so a page that
 * shows it asks for a new URL (and no cache hands out the old picture) once the logo changes.
 */
export function squareLogoUrl(baseUrl: string, tenantId: string, logo: SquareLogoInfo): string {
  return `${baseUrl}${squareLogoPath(tenantId)}?v=${logo.sha256.slice(0, 16)}`;
}

/**
 * The tenant's colour stylesheet (branding/branding-view.ts), addressed by the colour itself, so a
 * changed colour is a new URL.
 */
export function brandingStylesheetUrl(baseUrl: string, tenantId: string, backgroundColor: string): string {
  return `${baseUrl}/${tenantId}/v2.0/branding/style.css?v=${backgroundColor.slice(1)}`;
}
