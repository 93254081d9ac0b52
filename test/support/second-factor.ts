import { Secret, TOTP } from 'otpauth';

import type { GuestAgent, GuestPage } from './guest-agent.ts';
import { RelyingParty } from './relying-party.ts';
import type { SignInFixture } from './sign-in.ts';
import { codeIn, type SmtpListener } from './smtp.ts';

/** The TOTP secret the enrolment page shows (grouped for reading), as an authenticator app would take it. */
export function secretOnPage(page: GuestPage): string {
  const match = /class="secret-key"[^>]*><code>([A-Z2-7 ]+)<\/code>/.exec(page.html);
  if (!match) throw new Error(`no TOTP secret on ${page.url}`);
  return (match[1] as string).replace(/ /g, '');
}

/** What the guest's authenticator app shows, `stepsAhead` steps of 30 s from now. */
export function totpCode(secret: string, stepsAhead = 0): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: Date.now() + stepsAhead * 30_000 });
}

/** The recovery codes on the page shown after a first enrolment. */
export function recoveryCodesOnPage(page: GuestPage): string[] {
  return [...page.html.matchAll(/<li><code>([0-9A-Z]{5}-[0-9A-Z]{5})<\/code><\/li>/g)].map((match) => match[1] as string);
}

/**
 * From the "choose a second way to sign in" page (several methods allowed, none set up yet), the
 * way to the authenticator app's enrolment; any other page is returned as it is.
 */
export async function throughChoicePage(guest: GuestAgent, page: GuestPage, kind: 'totp' | 'passkey' = 'totp'): Promise<GuestPage> {
  if (!new URL(page.url).pathname.endsWith('/mfa/choose')) return page;
  const link = new RegExp(`href="([^"]*/mfa/${kind}/enrol)"`).exec(page.html);
  if (!link) throw new Error(`the choice page at ${page.url} offers no ${kind} enrolment`);
  return guest.follow(new URL(link[1] as string, page.url).href);
}

/**
 * An email-code sign-in up to where the second factor starts: returns the first page of it
 * (enrolment or verification; past the choice page, to the authenticator app) and the relying party.
 */
export async function firstFactor(guest: GuestAgent, fixture: SignInFixture, email: string, smtp: SmtpListener, extra: Record<string, string> = {}) {
  const rp = await RelyingParty.discover(fixture.issuer, fixture.app, fixture.redirectUri);
  const sendPage = await guest.follow(await rp.authorizationUrl({ login_hint: email, ...extra }), rp.isCallback);
  const entering = await guest.submit(sendPage, '/send');
  const afterCode = await guest.submit(entering, '/verify', { code: codeIn(await smtp.nextMessageTo(email)) }, rp.isCallback);
  return { rp, page: await throughChoicePage(guest, afterCode) };
}
