import * as oidc from 'openid-client';

import { GuestAgent } from '../../test/support/guest-agent.ts';
import { codeIn, type SmtpListener } from '../../test/support/smtp.ts';

export interface AppInfo { issuer: string; appClientId: string; redirectUri: string }

/**
 * One complete login as a relying party and a browser do it: authorization request with PKCE,
 * whatever the provider's sign-in asks, the redirect back, and the code exchange at the token
 * endpoint. `signIn` is the guest's part between the first redirect and the callback.
 */
export async function login(info: AppInfo, signIn: (guest: GuestAgent, first: string, isCallback: (url: string) => boolean) => Promise<string>): Promise<void> {
  const verifier = oidc.randomPKCECodeVerifier();
  const authorization = new URL(`${info.issuer}/auth`);
  authorization.search = new URLSearchParams({
    client_id: info.appClientId, response_type: 'code', scope: 'openid', redirect_uri: info.redirectUri,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: oidc.randomState(),
  }).toString();
  const guest = new GuestAgent();
  const callback = await signIn(guest, authorization.href, (url) => url.startsWith(info.redirectUri));
  const code = new URL(callback).searchParams.get('code');
  if (!code) throw new Error(`no code in ${callback}`);
  const token = await fetch(`${info.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: info.redirectUri, client_id: info.appClientId, code_verifier: verifier }),
  });
  if (!token.ok) throw new Error(`token endpoint answered ${token.status}: ${await token.text()}`);
  await token.json();
}

/** The bare provider's interaction signs in at once: follow redirects to the callback. */
export async function instantSignIn(guest: GuestAgent, first: string, isCallback: (url: string) => boolean): Promise<string> {
  const end = await guest.follow(first, isCallback);
  if (!end.location) throw new Error(`stopped at ${end.url} (${end.status})`);
  return end.location;
}

/** A guest of guest-idp: address, Send code, the code from the mail, back to the app. */
export function emailOtpSignIn(email: string, smtp: SmtpListener) {
  return async (guest: GuestAgent, first: string, isCallback: (url: string) => boolean): Promise<string> => {
    const identify = await guest.follow(first, isCallback);
    const sendPage = await guest.submit(identify, '/identify', { email });
    const entering = await guest.submit(sendPage, '/send');
    const end = await guest.submit(entering, '/verify', { code: codeIn(await smtp.nextMessageTo(email)) }, isCallback);
    if (!end.location) throw new Error(`stopped at ${end.url} (${end.status})`);
    return end.location;
  };
}
