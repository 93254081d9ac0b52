import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { autoPostFormIn } from '../../src/tenants/auto-post-page.ts';

/**
 * The page oidc-provider writes for form_post (and for posting a sign-out on) is read back into its
 * action and fields before our own page replaces it. Rendered here by oidc-provider's own
 * form_post.js, so an upgrade that changes its markup fails this test, not a guest's sign-in.
 */

type FormPost = (ctx: Record<string, unknown>, action: string, inputs: Record<string, string>) => void;

async function oidcProviderFormPost(): Promise<FormPost> {
  const file = join(import.meta.dirname, '..', '..', 'node_modules', 'oidc-provider', 'lib', 'response_modes', 'form_post.js');
  return (await import(pathToFileURL(file).href) as { default: FormPost }).default;
}

function render(formPost: FormPost, action: string, inputs: Record<string, string>): string {
  const ctx = { status: 200, type: '', body: '', response: { get: () => '' }, set: () => undefined };
  formPost(ctx, action, inputs);
  return ctx.body;
}

test('the action and every field come back exactly, whatever characters they hold', async () => {
  const formPost = await oidcProviderFormPost();
  const action = 'https://app.example/callback?tenant=a&b="c"';
  const inputs = { code: 'abc-123_XYZ', state: `<'&">é😀`, iss: 'http://127.0.0.1:3000/contoso/v2.0', error_description: 'x & y < z' };
  const html = render(formPost, action, inputs);
  expect(html).toContain('<script>');
  expect(autoPostFormIn(html)).toEqual({ action, fields: Object.entries(inputs) });
});

test('a page that is not one form of that shape is not taken for one', () => {
  expect(autoPostFormIn('<html><script>alert(1)</script></html>')).toBeUndefined();
  expect(autoPostFormIn('<form method="post" action="a"></form><form method="post" action="b"></form>')).toBeUndefined();
});
