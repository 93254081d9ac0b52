import { once } from 'node:events';

import { Redis } from 'ioredis';

import { formsOf, GuestAgent, type GuestPage, textOf } from '../support/guest-agent.ts';
import { requireRedisUrl, type RunningIdp, startIdp } from '../support/idp.ts';
import { watchRedisExpiry } from '../support/redis-expiry.ts';
import { inviteGuest, type SignInFixture, startSignIn, tenantWithApp, uidOf } from '../support/sign-in.ts';
import { recordFinding } from '../support/findings.ts';
import { codeIn, type SmtpListener, startSmtpListener } from '../support/smtp.ts';

/**
 * Every rule of the email one-time passcode, each with a test that fails without it: single use,
 * expiry, binding to the sign-in attempt, the address and the tenant, five tries per code, a
 * per-address failure count that new codes do not reset, send limits, and answers that do not tell
 * invited from uninvited addresses.
 */

let smtp: SmtpListener;
let idp: RunningIdp;
let contoso: SignInFixture;
let fabrikam: SignInFixture;
let counter = 0;

/** A fresh invited address per test, so per-address counters never leak between tests. */
async function invitedAddress(fixture = contoso): Promise<string> {
  counter += 1;
  const email = `guest${counter}@partner.example`;
  await inviteGuest(idp, fixture.tenantId, email);
  return email;
}

async function sendCode(guest: GuestAgent, email: string, fixture = contoso) {
  const { page, rp } = await startSignIn(guest, fixture, email);
  const entering = await guest.submit(page, '/send');
  expect(textOf(entering.html)).toContain('Enter code');
  return { page: entering, rp, code: codeIn(await smtp.nextMessageTo(email)) };
}

/** Where a form of the page posts to, absolute. */
function formActionOf(page: GuestPage, actionSuffix: string): string {
  const form = formsOf(page.html).find((candidate) => candidate.action.endsWith(actionSuffix));
  if (!form) throw new Error(`no form posting to …${actionSuffix}`);
  return new URL(form.action, page.url).href;
}

/** The code input's start tag. */
function codeFieldOf(html: string): string {
  const field = /<input id="code"[^>]*>/.exec(html);
  if (!field) throw new Error('no code field on the page');
  return field[0];
}

const wrongCode = (code: string) => String((Number(code) + 1) % 1e8).padStart(8, '0');

beforeAll(async () => {
  smtp = await startSmtpListener();
  idp = await startIdp({ env: { SMTP_URL: smtp.url } });
  contoso = await tenantWithApp(idp, 'contoso');
  fabrikam = await tenantWithApp(idp, 'fabrikam');
});

afterAll(async () => {
  await idp.close();
  await smtp.close();
});

describe('a code works once, for its sign-in attempt, address and tenant', () => {
  test('two simultaneous uses of the right code: exactly one signs in, the other is told it was used', async () => {
    const email = await invitedAddress();
    const guest = new GuestAgent();
    const { page, rp, code } = await sendCode(guest, email);
    const [a, b] = await Promise.all([
      guest.submit(page, '/verify', { code }, rp.isCallback),
      guest.submit(page, '/verify', { code }, rp.isCallback),
    ]);
    const signedIn = [a, b].filter((answer) => answer.location && rp.isCallback(answer.location));
    expect(signedIn).toHaveLength(1);
    const other = [a, b].find((answer) => !signedIn.includes(answer))!;
    expect(textOf(other.html)).toMatch(/already been used|expired/);
    recordFinding({ kind: 'attack', name: 'Code replay (race)', tried: 'the right code submitted twice at the same moment', times: 2, result: 'one sign-in; the other request is told the code was used' });
  });

  test('a used code does not work in a later sign-in of the same guest', async () => {
    const email = await invitedAddress();
    const guest = new GuestAgent();
    const first = await sendCode(guest, email);
    const done = await guest.submit(first.page, '/verify', { code: first.code }, first.rp.isCallback);
    expect(first.rp.isCallback(done.location!)).toBe(true);

    const later = new GuestAgent();
    const second = await sendCode(later, email);
    const refused = await later.submit(second.page, '/verify', { code: first.code }, second.rp.isCallback);
    expect(refused.status).toBe(400);
    expect(textOf(refused.html)).toContain('That code isn’t right');
  });

  test('a code from another sign-in attempt is refused', async () => {
    const email = await invitedAddress();
    const one = new GuestAgent();
    const two = new GuestAgent();
    const first = await sendCode(one, email);
    const second = await sendCode(two, email);
    const refused = await two.submit(second.page, '/verify', { code: first.code }, second.rp.isCallback);
    expect(textOf(refused.html)).toContain('That code isn’t right');
    // The right code of that attempt still works afterwards.
    const done = await two.submit(second.page, '/verify', { code: second.code }, second.rp.isCallback);
    expect(second.rp.isCallback(done.location!)).toBe(true);
  });

  test('a code sent to one address does not sign in another address', async () => {
    const first = await invitedAddress();
    const second = await invitedAddress();
    const guest = new GuestAgent();
    const { page, rp, code } = await sendCode(guest, first);
    // Same sign-in attempt, switched to the other address, with the first address's code.
    const changed = await guest.submit(page, '/change-address');
    const sendPage = await guest.submit(changed, '/identify', { email: second });
    const entering = await guest.submit(sendPage, '/send');
    await smtp.nextMessageTo(second);
    const refused = await guest.submit(entering, '/verify', { code }, rp.isCallback);
    expect(textOf(refused.html)).toContain('That code isn’t right');
  });

  test('a code issued in tenant A is useless in tenant B', async () => {
    counter += 1;
    const email = `both${counter}@partner.example`;
    await inviteGuest(idp, 'contoso', email);
    await inviteGuest(idp, 'fabrikam', email);
    const guest = new GuestAgent();
    const inContoso = await sendCode(guest, email, contoso);
    const inFabrikam = await sendCode(guest, email, fabrikam);
    const refused = await guest.submit(inFabrikam.page, '/verify', { code: inContoso.code }, inFabrikam.rp.isCallback);
    expect(textOf(refused.html)).toContain('That code isn’t right');
  });

  test('an expired code is refused, and says so', async () => {
    const shortLived = await startIdp({ env: { SMTP_URL: smtp.url, OTP_TTL_SECONDS: '1' } });
    try {
      const fixture = await tenantWithApp(shortLived, 'expiring');
      counter += 1;
      const email = `expiring${counter}@partner.example`;
      await inviteGuest(shortLived, 'expiring', email);
      const guest = new GuestAgent();
      const { page, rp } = await startSignIn(guest, fixture, email);
      const passcodeKey = shortLived.keys.passcode('expiring', uidOf(page));
      const watch = await watchRedisExpiry(requireRedisUrl(), passcodeKey);
      let entering;
      try {
        entering = await guest.submit(page, '/send');
        await watch.expired;
      } finally {
        await watch.stop();
      }
      const code = codeIn(await smtp.nextMessageTo(email));
      const refused = await guest.submit(entering, '/verify', { code }, rp.isCallback);
      expect(refused.status).toBe(400);
      expect(textOf(refused.html)).toContain('That code has expired');
    } finally {
      await shortLived.close();
    }
  });
});

describe('wrong codes', () => {
  test('five wrong tries kill a code: the right one no longer works after them', async () => {
    const email = await invitedAddress();
    const guest = new GuestAgent();
    const { page, rp, code } = await sendCode(guest, email);
    const left: string[] = [];
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      left.push(textOf((await guest.submit(page, '/verify', { code: wrongCode(code) }, rp.isCallback)).html));
    }
    expect(left[0]).toContain('You can try 4 more times with this code');
    expect(left[3]).toContain('You can try 1 more time with this code');
    expect(left[4]).toContain('tried too many times');
    const refused = await guest.submit(page, '/verify', { code }, rp.isCallback);
    expect(rp.isCallback(refused.location ?? '')).toBe(false);
    expect(textOf(refused.html)).toContain('no longer works');
  });

  test('new codes do not reset the per-address failure count: ten wrong codes lock the address, whatever the attempt', async () => {
    const email = await invitedAddress();
    const guest = new GuestAgent();
    const first = await sendCode(guest, email);
    for (let attempt = 1; attempt <= 5; attempt += 1) await guest.submit(first.page, '/verify', { code: wrongCode(first.code) });

    // A new code, in the same attempt: its own five tries, but the address has used five already.
    const resent = await guest.submit(first.page, '/send');
    const second = codeIn(await smtp.nextMessageTo(email));
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      expect(textOf((await guest.submit(resent, '/verify', { code: wrongCode(second) })).html)).toContain('That code isn’t right');
    }
    const locked = await guest.submit(resent, '/verify', { code: wrongCode(second) });
    expect(locked.status).toBe(429);
    expect(textOf(locked.html)).toMatch(/Too many wrong codes for this address\. For your security, try again in 1[45] minutes/);
    expect(locked.html).toMatch(/<p class="message message-error" id="message" role="alert">Too many wrong codes/);
    expect(codeFieldOf(locked.html)).toContain('aria-invalid="true"');

    // Locked even with the right code, and in a brand-new sign-in attempt.
    expect(textOf((await guest.submit(resent, '/verify', { code: second }, first.rp.isCallback)).html)).toContain('Too many wrong codes');
    const fresh = new GuestAgent();
    const third = await sendCode(fresh, email);
    const stillLocked = await fresh.submit(third.page, '/verify', { code: third.code }, third.rp.isCallback);
    expect(third.rp.isCallback(stillLocked.location ?? '')).toBe(false);
    expect(stillLocked.status).toBe(429);
  });

  test('25 wrong guesses fired at once across 5 codes of one address reach at most 10 comparisons, and the address is locked', async () => {
    const email = await invitedAddress();
    const attempts = [];
    for (let code = 0; code < 5; code += 1) {
      const guest = new GuestAgent();
      attempts.push({ guest, ...(await sendCode(guest, email)) });
    }
    const answers = await Promise.all(attempts.flatMap(({ guest, page, code }) =>
      Array.from({ length: 5 }, () => guest.request(formActionOf(page, '/verify'), { method: 'POST', form: { ...formsOf(page.html).find((form) => form.action.endsWith('/verify'))!.fields, code: wrongCode(code) } }))));
    expect(answers.every((answer) => answer.status === 400 || answer.status === 429)).toBe(true);

    // Each code's attempts counter counts the guesses compared against it; a code is deleted
    // once its fifth guess was compared (and it gets no more than five here).
    const redis = new Redis(requireRedisUrl());
    let comparisons = 0;
    try {
      for (const { page } of attempts) {
        const counted = await redis.hget(idp.keys.passcode('contoso', uidOf(page)), 'attempts');
        comparisons += counted === null ? 5 : Number(counted);
      }
    } finally {
      redis.disconnect();
    }
    expect(comparisons).toBeLessThanOrEqual(10);
    expect(comparisons).toBeGreaterThan(0);

    // Locked: even the right code of a code still alive is refused.
    const alive = attempts[attempts.length - 1]!;
    const locked = await alive.guest.submit(alive.page, '/verify', { code: alive.code }, alive.rp.isCallback);
    expect(alive.rp.isCallback(locked.location ?? '')).toBe(false);
    expect(locked.status).toBe(429);
    expect(textOf(locked.html)).toContain('Too many wrong codes for this address');
    recordFinding({ kind: 'attack', name: 'Parallel guesses against the per-address lock-out', tried: '25 wrong codes fired at once across 5 sign-in attempts (5 codes) of one address, limit 10 per address', times: 25, result: `${comparisons} guesses were compared (limit 10); the address is locked, the right code refused with 429` });
  });

  test('a code that is not 8 digits is not counted as a try', async () => {
    const email = await invitedAddress();
    const guest = new GuestAgent();
    const { page, rp, code } = await sendCode(guest, email);
    expect(textOf((await guest.submit(page, '/verify', { code: '12ab' })).html)).toContain('Enter the 8-digit code from the email');
    expect(textOf((await guest.submit(page, '/verify', { code: wrongCode(code) })).html)).toContain('4 more times');
    const done = await guest.submit(page, '/verify', { code: `${code.slice(0, 4)} ${code.slice(4)}` }, rp.isCallback);
    expect(rp.isCallback(done.location!)).toBe(true);
  });
});

describe('sending codes', () => {
  test('invited and uninvited addresses get the same "Send code" answers, and only the invited one gets mail', async () => {
    const invited = await invitedAddress();
    counter += 1;
    const stranger = `stranger${counter}@partner.example`;

    const pagesFor = async (email: string) => {
      const guest = new GuestAgent();
      const { page } = await startSignIn(guest, contoso, email);
      const sent = await guest.submit(page, '/send');
      const normalize = (html: string) => textOf(html).replaceAll(email, '<address>');
      return { sendPage: normalize(page.html), sendStatus: page.status, enterPage: normalize(sent.html), enterStatus: sent.status };
    };
    const forStranger = await pagesFor(stranger);
    const forInvited = await pagesFor(invited);

    expect(forStranger).toEqual(forInvited);
    await smtp.nextMessageTo(invited);
    expect(smtp.messages.some((mail) => JSON.stringify(mail.to).includes(stranger))).toBe(false);
  });

  test('an uninvited address can never sign in, whatever code it tries', async () => {
    counter += 1;
    const stranger = `nobody${counter}@partner.example`;
    const guest = new GuestAgent();
    const { page, rp } = await startSignIn(guest, contoso, stranger);
    const entering = await guest.submit(page, '/send');
    const refused = await guest.submit(entering, '/verify', { code: '00000000' }, rp.isCallback);
    expect(rp.isCallback(refused.location ?? '')).toBe(false);
    expect(textOf(refused.html)).toContain('That code isn’t right');
  });

  test('asking again right away is refused with a cooldown, and no second mail goes out', async () => {
    const email = await invitedAddress();
    const guest = new GuestAgent();
    const { page } = await sendCode(guest, email);
    const again = await guest.submit(page, '/send');
    expect(again.status).toBe(429);
    expect(textOf(again.html)).toMatch(/We just sent a code\. You can ask for another one in (\d+) seconds/);
    expect(smtp.messages.filter((mail) => JSON.stringify(mail.to).includes(email))).toHaveLength(1);
    // Nothing the guest typed is wrong: a status message, not an alert, and the code field stays valid.
    expect(again.html).toMatch(/<p class="message message-notice" id="message" role="status">We just sent a code/);
    expect(codeFieldOf(again.html)).not.toContain('aria-invalid');
  });

  test('a wrong code is still an error: an alert, the code field marked invalid', async () => {
    const email = await invitedAddress();
    const guest = new GuestAgent();
    const { page, code, rp } = await sendCode(guest, email);
    const refused = await guest.submit(page, '/verify', { code: wrongCode(code) }, rp.isCallback);
    expect(refused.html).toMatch(/<p class="message message-error" id="message" role="alert">That code isn’t right/);
    expect(codeFieldOf(refused.html)).toContain('aria-invalid="true"');
  });

  test('codes per address are limited across sign-in attempts', async () => {
    const email = await invitedAddress();
    for (let send = 1; send <= 5; send += 1) await sendCode(new GuestAgent(), email);
    const guest = new GuestAgent();
    const { page } = await startSignIn(guest, contoso, email);
    const refused = await guest.submit(page, '/send');
    expect(refused.status).toBe(429);
    expect(textOf(refused.html)).toMatch(/Too many codes were requested\. Try again in \d+ minutes/);
  });

  test('codes per address are capped across the deployment too: many tenants do not multiply them', async () => {
    const northwind = await tenantWithApp(idp, 'northwind');
    counter += 1;
    const email = `roaming${counter}@partner.example`;
    const sendIn = async (fixture: SignInFixture) => {
      const guest = new GuestAgent();
      const { page } = await startSignIn(guest, fixture, email);
      return guest.submit(page, '/send');
    };
    const statuses: number[] = [];
    for (const fixture of [contoso, contoso, contoso, contoso, fabrikam, fabrikam, fabrikam, fabrikam, northwind, northwind]) {
      statuses.push((await sendIn(fixture)).status);
    }
    expect(statuses).toEqual(Array(10).fill(200));
    // Northwind has mailed this address twice of its own five; the deployment's ten are used up.
    const refused = await sendIn(northwind);
    expect(refused.status).toBe(429);
    expect(textOf(refused.html)).toMatch(/Too many codes were requested\. Try again in \d+ minutes/);
    recordFinding({ kind: 'attack', name: 'Send limits multiplied by tenants', tried: 'codes for one address requested in three tenants (4 + 4 + 3), per-tenant cap 5', times: 11, result: 'the first 10 were sent; the 11th was refused with 429 by the deployment-wide cap of 10 although its tenant had sent only 2' });
  });

  test('codes per client IP are limited too (OTP_SEND_LIMIT_PER_IP), whatever the address', async () => {
    const strict = await startIdp({ env: { SMTP_URL: smtp.url, OTP_SEND_LIMIT_PER_IP: '2' } });
    try {
      const fixture = await tenantWithApp(strict, 'strict');
      const answers = [];
      for (const name of ['ip-one', 'ip-two', 'ip-three']) {
        const guest = new GuestAgent();
        const { page } = await startSignIn(guest, fixture, `${name}@partner.example`);
        answers.push(await guest.submit(page, '/send'));
      }
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 429]);
      expect(textOf(answers[2]!.html)).toContain('Too many codes were requested');
    } finally {
      await strict.close();
    }
  });

  test('a mail server that does not answer: the guest gets the code page at once, and once the retries are used up it says the code could not be delivered, invited or not', async () => {
    const broken = await startIdp({ env: { SMTP_URL: 'smtp://127.0.0.1:9', MAIL_RETRY_BASE_MS: '1' } });
    try {
      const fixture = await tenantWithApp(broken, 'nomail');
      counter += 1;
      const email = `unlucky${counter}@partner.example`;
      await inviteGuest(broken, 'nomail', email);
      let retries = 0;
      broken.mailQueue.on('retrying', () => { retries += 1; });
      for (const address of [email, `stranger-${email}`]) {
        const guest = new GuestAgent();
        const { page } = await startSignIn(guest, fixture, address);
        const givenUp = once(broken.mailQueue, 'undeliverable');
        const entering = await guest.submit(page, '/send');
        expect(entering.status).toBe(200);
        expect(textOf(entering.html)).toContain('Enter code');
        await givenUp;

        const told = await guest.follow(entering.url);
        expect(told.status).toBe(200);
        expect(textOf(told.html)).toContain('We couldn’t deliver the code to this address. Send a new code.');
        expect(formsOf(told.html).find((form) => form.action.endsWith('/send'))?.submitLabel).toBe('Send a new code');
        expect(formsOf(told.html).some((form) => form.action.endsWith('/verify'))).toBe(false);
        // A new code may be asked for at once: the cooldown is for codes that are on their way.
        const givenUpAgain = once(broken.mailQueue, 'undeliverable');
        const again = await guest.submit(told, '/send');
        expect(again.status).toBe(200);
        expect(textOf(again.html)).not.toContain('We couldn’t deliver');
        await givenUpAgain;
      }
      expect(retries).toBe(4 * 9);
      expect((await fetch(`${broken.baseUrl}/healthz`)).status).toBe(200);
      recordFinding({ kind: 'fault', name: 'SMTP down for good', tried: 'Send code (invited and uninvited) with no mail server listening; every try fails', times: 2, result: `the guest got the code page at once; after ${retries / 4} retries per mail the code page said the code could not be delivered and offered a new one` });
    } finally {
      await broken.close();
    }
  });
});

describe('forms', () => {
  test('a form without the right CSRF token is refused and changes nothing', async () => {
    const email = await invitedAddress();
    const guest = new GuestAgent();
    const { page } = await startSignIn(guest, contoso, email);
    const forged = await guest.request(`${idp.baseUrl}/contoso/v2.0/interaction/${uidOf(page)}/send`, { method: 'POST', form: { _csrf: 'forged' } });
    expect(forged.status).toBe(403);
    expect(textOf(forged.html)).toContain('This form could not be accepted');
    expect(smtp.messages.some((mail) => JSON.stringify(mail.to).includes(email))).toBe(false);
  });

  test('pages forbid framing and inline script, and contain none', async () => {
    const guest = new GuestAgent();
    const { page } = await startSignIn(guest, contoso, await invitedAddress());
    const response = await fetch(page.url, { headers: { cookie: await guest.jar.getCookieString(page.url) } });
    const policy = response.headers.get('content-security-policy')!;
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("default-src 'none'");
    expect(policy).not.toContain('unsafe-inline');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(await response.text()).not.toMatch(/<script|\son\w+=/i);
  });
});
