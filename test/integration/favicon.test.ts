import { type RunningIdp, startIdp } from '../support/idp.ts';

/**
 * Browsers ask for /favicon.ico on every page load by themselves: it used to be a 400 ("tenant-
 * specific") each time, in the operator's log and the browser's console. Pages now link an SVG
 * icon, and /favicon.ico is an empty answer the browser keeps.
 */

let idp: RunningIdp;

beforeAll(async () => {
  idp = await startIdp();
});

afterAll(async () => {
  await idp.close();
});

test('/favicon.ico is an empty 204 browsers cache for a day', async () => {
  for (const method of ['GET', 'HEAD']) {
    const response = await fetch(`${idp.baseUrl}/favicon.ico`, { method });
    expect(response.status).toBe(204);
    expect(response.headers.get('cache-control')).toBe('public, max-age=86400');
    expect(await response.text()).toBe('');
  }
});

test('/favicon.svg is the icon, cached and revalidated by its ETag, and pages link it', async () => {
  const icon = await fetch(`${idp.baseUrl}/favicon.svg`);
  expect(icon.status).toBe(200);
  expect(icon.headers.get('content-type')).toBe('image/svg+xml');
  expect(icon.headers.get('cache-control')).toBe('public, max-age=3600');
  expect(await icon.text()).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  const again = await fetch(`${idp.baseUrl}/favicon.svg`, { headers: { 'if-none-match': icon.headers.get('etag')! } });
  expect(again.status).toBe(304);

  const page = await fetch(`${idp.baseUrl}/sign-in-to-organization`, { headers: { accept: 'text/html' } });
  expect(await page.text()).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
});
