import { guestLocale } from '../i18n/guest-locale.ts';
import { t } from '../i18n/translate.ts';
import { consoleUrl, type ConsoleDeps, queryValue, seeOther, type SignedInContext } from './console-context.ts';

/** GET `/signing-keys`: the tenant's token signing keys (never their private parts), and rotation. */
export async function signingKeysPage(deps: ConsoleDeps, ctx: SignedInContext): Promise<void> {
  const keys = await deps.tenants.signingKeys(ctx.state.tenant.id);
  deps.pages.send(ctx, 'signing-keys', {
    title: t(guestLocale(ctx), 'console.signingKeys.title'),
    section: 'signingKeys',
    keys: keys.map(({ kid, alg, status, createdDateTime, publishedUntil }) => ({ kid, alg, status, createdDateTime, publishedUntil })),
    done: queryValue(ctx, 'done'),
  });
}

/** POST `/signing-keys/rotate`: new keys sign from now on; the old ones stay published until tokens they signed expire. */
export async function rotateSigningKeys(deps: ConsoleDeps, ctx: SignedInContext): Promise<void> {
  await deps.tenants.rotateSigningKeys(ctx.state.tenant.id);
  seeOther(ctx, consoleUrl(ctx, '/signing-keys?done=rotated'));
}
