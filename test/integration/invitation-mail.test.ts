import { once } from 'node:events';

import { StoreUnavailableError } from '../../src/errors.ts';
import type { JobQueue } from '../../src/store/job-queue.ts';
import type { KeyValueStore } from '../../src/store/key-value-store.ts';
import { RedisStore } from '../../src/store/redis-store.ts';
import { recordFinding } from '../support/findings.ts';
import { GuestAgent, textOf } from '../support/guest-agent.ts';
import { requireRedisUrl, type RunningIdp, startIdp, TEST_ADMIN_TOKEN } from '../support/idp.ts';
import { inviteGuest, type SignInFixture, signInWithCode, startSignIn, tenantWithApp } from '../support/sign-in.ts';
import { codeIn, type SmtpListener, startSmtpListener } from '../support/smtp.ts';
import { snapshotNamespace } from '../support/store-snapshot.ts';

/**
 * Invitation mails go through the mail queue: capped per recipient (per tenant and across the
 * deployment), and a reset redemption is all or nothing up to the queued mail.
 */

let smtp: SmtpListener;
let idp: RunningIdp;
/** While true, the mail queue cannot store jobs (its Redis connection is down), though the store answers. */
let queueDown = false;

/**
 * The real Redis store, but with a job queue whose `add` fails while `queueDown`: a failure at
 * the last step before the mail is queued, after the reset and the new ticket were written.
 */
function withFailingQueue(store: KeyValueStore): KeyValueStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'jobQueue') {
        return (...args: Parameters<KeyValueStore['jobQueue']>) => {
          const queue = target.jobQueue(...args) as JobQueue<unknown>;
          return {
            add: (...added: Parameters<JobQueue<unknown>['add']>) => (queueDown ? Promise.reject(new StoreUnavailableError(new Error('queue down'))) : queue.add(...added)),
            depth: () => queue.depth(),
            close: (graceMs: number) => queue.close(graceMs),
          };
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

let store: RedisStore;

beforeAll(async () => {
  smtp = await startSmtpListener();
  store = await RedisStore.connect({ url: requireRedisUrl() });
  idp = await startIdp({ env: { SMTP_URL: smtp.url, MAIL_RETRY_BASE_MS: '20' }, store: withFailingQueue(store) });
});

afterAll(async () => {
  await idp.close();
  await store.close();
  await smtp.close();
});

/** POST /invitations with the admin token, with the answer's headers. */
async function invite(tenantId: string, body: Record<string, unknown>) {
  const response = await fetch(`${idp.baseUrl}/admin/tenants/${tenantId}/invitations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ inviteRedirectUrl: 'https://apps.example/', sendInvitationMessage: true, ...body }),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() as any };
}

const mailsTo = (address: string) => smtp.messages.filter((mail) => JSON.stringify(mail.to).includes(address)).length;

describe('invitation mails per recipient are capped', () => {
  test('sending invitation mails again and again to one outside address stops at the cap: 429, Retry-After, nothing written', async () => {
    await tenantWithApp(idp, 'spammy');
    const target = 'inbox@outside.example';
    for (let sent = 1; sent <= 5; sent += 1) {
      expect((await invite('spammy', { invitedUserEmailAddress: target })).status).toBe(201);
      await smtp.nextMessageTo(target);
    }
    const before = await snapshotNamespace(idp.namespace);
    const refused = [];
    for (let more = 0; more < 15; more += 1) refused.push(await invite('spammy', { invitedUserEmailAddress: target }));
    for (const answer of refused) {
      expect(answer.status).toBe(429);
      expect(Number(answer.retryAfter)).toBeGreaterThan(0);
      expect(answer.body).toEqual({ error: { code: 'TooManyRequests', message: expect.stringMatching(/^Too many invitation mails were sent to inbox@outside\.example recently\. Try again in \d+ minutes\.$/) } });
    }
    expect(await snapshotNamespace(idp.namespace)).toEqual(before);
    expect(await idp.mailQueue.depth()).toBe(0);
    expect(mailsTo(target)).toBe(5);
    // An invitation without a mail is not capped.
    expect((await invite('spammy', { invitedUserEmailAddress: target, sendInvitationMessage: false })).status).toBe(201);
    recordFinding({ kind: 'attack', name: 'Invitation mail flood', tried: 'invitation mails to one outside address, 20 in a row from one tenant', times: 20, result: `5 were mailed; the other 15 got 429 with Retry-After ${refused[0]!.retryAfter} s and wrote nothing` });
  });

  test('across tenants the deployment-wide cap stops them, though each tenant is under its own', async () => {
    const target = 'shared-inbox@outside.example';
    for (const tenantId of ['cap-a', 'cap-b', 'cap-c']) await tenantWithApp(idp, tenantId);
    const statuses: number[] = [];
    for (const tenantId of ['cap-a', 'cap-a', 'cap-a', 'cap-a', 'cap-b', 'cap-b', 'cap-b', 'cap-b', 'cap-c', 'cap-c', 'cap-c']) {
      statuses.push((await invite(tenantId, { invitedUserEmailAddress: target })).status);
    }
    expect(statuses).toEqual([...Array(10).fill(201), 429]);
    recordFinding({ kind: 'attack', name: 'Invitation mail flood through many tenants', tried: 'invitation mails to one address from three tenants (4 + 4 + 3), per-tenant cap 5', times: 11, result: 'the first 10 were queued; the 11th got 429 from the deployment-wide cap of 10 although its tenant had sent only 2' });
  });
});

test('a queued code mail is sealed: while it waits for a retry, the code is nowhere in Redis', async () => {
  const fixture = await tenantWithApp(idp, 'sealed');
  const email = 'sealed@partner.example';
  await inviteGuest(idp, 'sealed', email);
  smtp.refuse = true;
  let stored: string;
  try {
    const retried = once(idp.mailQueue, 'retrying');
    const guest = new GuestAgent();
    const { page } = await startSignIn(guest, fixture, email);
    expect(textOf((await guest.submit(page, '/send')).html)).toContain('Enter code');
    await retried;
    stored = JSON.stringify(await snapshotNamespace(idp.namespace));
  } finally {
    smtp.refuse = false;
  }
  const code = codeIn(await smtp.nextMessageTo(email));
  expect(stored).toContain(':{_queue-mail}:mail:');
  expect(stored).not.toContain(code);
});

describe('reset redemption is all or nothing', () => {
  let fixture: SignInFixture;

  beforeAll(async () => {
    fixture = await tenantWithApp(idp, 'resets');
  });

  /** An invited guest who signed in, with a session at the tenant. */
  async function signedInGuest(email: string) {
    const invitation = await inviteGuest(idp, 'resets', email, { sendInvitationMessage: true });
    await smtp.nextMessageTo(email);
    const guest = new GuestAgent();
    const { rp } = await signInWithCode(guest, fixture, email, smtp);
    return { guest, rp, userId: invitation.invitedUser.id };
  }

  async function hasSession(guest: GuestAgent, rp: Awaited<ReturnType<typeof signedInGuest>>['rp']): Promise<boolean> {
    const answer = await guest.follow(await rp.authorizationUrl(), rp.isCallback);
    return rp.isCallback(answer.location ?? '');
  }

  test('with the mail server refusing: 201, the guest is reset and signed out, and the mail arrives once the server accepts', async () => {
    const email = 'reset-refused@partner.example';
    const { guest, rp, userId } = await signedInGuest(email);
    smtp.refuse = true;
    try {
      const retried = once(idp.mailQueue, 'retrying');
      const reset = await invite('resets', { invitedUserEmailAddress: email, resetRedemption: true });
      expect(reset.status).toBe(201);
      expect(await idp.users.find('resets', userId)).toMatchObject({ externalUserState: 'PendingAcceptance', source: null });
      expect(await hasSession(guest, rp)).toBe(false);
      await retried;
    } finally {
      smtp.refuse = false;
    }
    const mail = await smtp.nextMessageTo(email);
    expect(mail.subject).toBe("You're invited to Resets");
    recordFinding({ kind: 'fault', name: 'SMTP refusing during a reset redemption', tried: 'reset redemption with sendInvitationMessage while the mail server answers 550', times: 1, result: '201; the guest was reset and signed out; the mail was retried and arrived once the server accepted' });
  });

  test('when the mail cannot be queued: 503, and the reset, the new ticket and the sign-out are all undone', async () => {
    const email = 'reset-unqueued@partner.example';
    const { guest, rp, userId } = await signedInGuest(email);
    const before = await snapshotNamespace(idp.namespace);
    queueDown = true;
    let answer;
    try {
      answer = await invite('resets', { invitedUserEmailAddress: email, resetRedemption: true });
    } finally {
      queueDown = false;
    }
    expect(answer.status).toBe(503);
    expect(answer.body.error).toEqual({ code: 'ServiceUnavailable', message: expect.stringContaining('nothing was changed') });
    expect(await snapshotNamespace(idp.namespace)).toEqual(before);
    expect(await idp.users.find('resets', userId)).toMatchObject({ externalUserState: 'Accepted', source: 'EmailOTP' });
    expect(await hasSession(guest, rp)).toBe(true);
    expect(textOf((await guest.follow(await rp.authorizationUrl(), rp.isCallback)).html)).not.toContain('Enter code');
    recordFinding({ kind: 'fault', name: 'Reset redemption failing before its mail is queued', tried: 'reset redemption while the mail queue cannot store the job', times: 1, result: '503; the store is exactly as before (user record, tickets, caps) and the guest is still signed in' });
  });
});
