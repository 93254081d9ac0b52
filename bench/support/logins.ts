import * as oidc from 'openid-client';

import { GuestAgent } from '../../test/support/guest-agent.ts';
import { codeIn, type SmtpListener } from '../../test/support/smtp.ts';
import { median } from './load.ts';

export interface AppInfo { issuer: string; appClientId: string; redirectUri: string }

/** Wall-clock milliseconds per step of a login, collected for p50/p99 (percentiles.ts). */
export type StepTimes = Map<string, number[]>;

/** Runs one step and adds its duration under `name`. */
export async function timed<T>(times: StepTimes | undefined, name: string, step: () => Promise<T>): Promise<T> {
  const started = process.hrtime.bigint();
  const result = await step();
  if (times) {
    const list = times.get(name) ?? [];
    list.push(Number(process.hrtime.bigint() - started) / 1e6);
    times.set(name, list);
  }
  return result;
}

/**
 * Runs `total` logins with `concurrency` in flight (each `loginOne()` is one whole login) and
 * reports the rate and the median login time.
 */
export async function loginsInFlight(total: number, concurrency: number, loginOne: () => Promise<unknown>): Promise<{ perSecond: number; medianMs: number }> {
  const durations: number[] = [];
  let started = 0;
  const begin = process.hrtime.bigint();
  const worker = async () => {
    while (started < total) {
      started += 1;
      const one = process.hrtime.bigint();
      await loginOne();
      durations.push(Number(process.hrtime.bigint() - one) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { perSecond: total / (Number(process.hrtime.bigint() - begin) / 1e9), medianMs: median(durations) };
}

/** What the token endpoint answers a code exchange with. */
export interface TokenResponse { id_token: string; access_token: string; refresh_token?: string }

export interface LoginOptions {
  /** Another of the server's app clients (same redirect URI); default `info.appClientId`. */
  clientId?: string;
  /** Asks for a refresh token too: `offline_access` with `prompt=consent`, which both servers honour. */
  offline?: boolean;
  /** Collects how long each step took. */
  times?: StepTimes;
}

/**
 * One complete login as a relying party and a browser do it: authorization request with PKCE,
 * whatever the provider's sign-in asks, the redirect back, and the code exchange at the token
 * endpoint. `signIn` is the guest's part between the first redirect and the callback.
 */
export async function login(
  info: AppInfo,
  signIn: (guest: GuestAgent, first: string, isCallback: (url: string) => boolean) => Promise<string>,
  options: LoginOptions = {},
): Promise<TokenResponse> {
  const clientId = options.clientId ?? info.appClientId;
  const verifier = oidc.randomPKCECodeVerifier();
  const authorization = new URL(`${info.issuer}/auth`);
  authorization.search = new URLSearchParams({
    client_id: clientId, response_type: 'code', scope: options.offline ? 'openid offline_access' : 'openid', redirect_uri: info.redirectUri,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: oidc.randomState(),
    ...(options.offline ? { prompt: 'consent' } : {}),
  }).toString();
  const guest = new GuestAgent();
  const callback = await signIn(guest, authorization.href, (url) => url.startsWith(info.redirectUri));
  const code = new URL(callback).searchParams.get('code');
  if (!code) throw new Error(`no code in ${callback}`);
  return await timed(options.times, 'code exchange (token endpoint)', async () => {
    const token = await fetch(`${info.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: info.redirectUri, client_id: clientId, code_verifier: verifier }),
    });
    if (!token.ok) throw new Error(`token endpoint answered ${token.status}: ${await token.text()}`);
    return await token.json() as TokenResponse;
  });
}

/** The bare provider's interaction signs in at once: follow redirects to the callback. */
export async function instantSignIn(guest: GuestAgent, first: string, isCallback: (url: string) => boolean): Promise<string> {
  const end = await guest.follow(first, isCallback);
  if (!end.location) throw new Error(`stopped at ${end.url} (${end.status})`);
  return end.location;
}

/** A guest of guest-idp: address, Send code, the code from the mail, back to the app. */
export function emailOtpSignIn(email: string, smtp: SmtpListener, times?: StepTimes) {
  return async (guest: GuestAgent, first: string, isCallback: (url: string) => boolean): Promise<string> => {
    const identify = await timed(times, 'authorization request to address page', () => guest.follow(first, isCallback));
    const sendPage = await timed(times, 'address (POST and its page)', () => guest.submit(identify, '/identify', { email }));
    const entering = await timed(times, 'Send code (POST and its page)', () => guest.submit(sendPage, '/send'));
    const mail = await timed(times, 'mail arrives (queue start delay, SMTP)', () => smtp.nextMessageTo(email));
    const end = await timed(times, 'code (POST) to the app\'s redirect', () => guest.submit(entering, '/verify', { code: codeIn(mail) }, isCallback));
    if (!end.location) throw new Error(`stopped at ${end.url} (${end.status})`);
    return end.location;
  };
}
