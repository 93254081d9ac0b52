import { brandingStylesheet, brandingView, textColourOn } from '../../src/branding/branding-view.ts';

/** What pages and mails get of a tenant's branding. */

const BASE_URL = 'https://id.example';

test('a tenant without branding gets nothing, so pages keep their own look', () => {
  expect(brandingView({}, 'contoso', BASE_URL)).toEqual({});
});

test('every field set becomes a ready-to-print value with URLs from BASE_URL', () => {
  const view = brandingView({
    backgroundColor: '#0A4C8B',
    signInPageText: 'Help desk: +1 555 0100',
    usernameHintText: 'name@partner.example',
    customPrivacyAndCookiesUrl: 'https://contoso.example/privacy',
    customTermsOfUseUrl: 'https://contoso.example/terms',
    squareLogo: { format: 'png', width: 240, height: 240, sha256: 'q1w2e3r4t5y6u7i8o9p0asdfghjkl', byteLength: 1000, updatedDateTime: '2026-01-01T00:00:00.000Z' },
  }, 'contoso', BASE_URL);
  expect(view).toEqual({
    logoUrl: 'https://id.example/contoso/v2.0/branding/squareLogo?v=q1w2e3r4t5y6u7i8',
    logoSize: { width: 240, height: 240 },
    backgroundColor: '#0A4C8B',
    textOnBackground: '#FFFFFF',
    stylesheetUrl: 'https://id.example/contoso/v2.0/branding/style.css?v=0A4C8B',
    signInPageText: 'Help desk: +1 555 0100',
    usernameHintText: 'name@partner.example',
    privacyUrl: 'https://contoso.example/privacy',
    termsUrl: 'https://contoso.example/terms',
  });
});

test.each([
  ['#FFFFFF', '#000000'],
  ['#000000', '#FFFFFF'],
  ['#FFD700', '#000000'],
  ['#0A4C8B', '#FFFFFF'],
  // Mid grey: black reads better (5.3:1 against white's 3.9:1).
  ['#808080', '#000000'],
])('text on %s is %s', (background, text) => {
  expect(textColourOn(background)).toBe(text);
});

test('the stylesheet sets the colours as custom properties', () => {
  expect(brandingStylesheet('#0A4C8B')).toBe(':root {\n  --brand-background: #0A4C8B;\n  --brand-text-on-background: #FFFFFF;\n}\n');
});
