import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { seedDemo } from '../../src/dev/demo-seed.ts';
import { GuestAgent, textOf } from '../support/guest-agent.ts';
import { requireRedisUrl, type RunningIdp, startIdp } from '../support/idp.ts';

/**
 * Trying it takes a minute: in development mode /demo signs the seeded guest in and shows the ID
 * token, and /dev/outbox shows the mail, code included. Production mode has neither.
 */

let outboxDir: string;
let idp: RunningIdp;
/** Mails the queue has finished writing to the outbox so far. */
let mailsWritten = 0;
let mailWritten: () => void = () => {};

/** Mail goes out after the answer: resolves once `count` mails are in the outbox. */
function outboxHolds(count: number): Promise<void> {
  if (mailsWritten >= count) return Promise.resolve();
  return new Promise((resolve) => { mailWritten = () => { if (mailsWritten >= count) resolve(); }; });
}

beforeAll(async () => {
  outboxDir = mkdtempSync(join(tmpdir(), 'guest-idp-outbox-'));
  idp = await startIdp({ store: 'memory', env: { OUTBOX_DIR: outboxDir } });
  idp.mailQueue.on('done', () => {
    mailsWritten += 1;
    mailWritten();
  });
  await seedDemo(idp);
});

afterAll(async () => {
  await idp.close();
  rmSync(outboxDir, { recursive: true, force: true });
});

test('the demo relying party signs the demo guest in with a code read from /dev/outbox', async () => {
  const guest = new GuestAgent();
  const atDemo = (url: string) => url.startsWith(`${idp.baseUrl}/demo`);
  const start = await guest.follow(`${idp.baseUrl}/demo`);
  expect(textOf(start.html)).toContain('Contoso demo app');

  const sendPage = await guest.follow(`${idp.baseUrl}/demo/sign-in`);
  expect(textOf(sendPage.html)).toContain('We’ll email a sign-in code to alex.wilber@fabrikam.example');
  await guest.submit(sendPage, '/send');
  // The seeded invitation and the code.
  await outboxHolds(2);

  const outbox = await guest.follow(`${idp.baseUrl}/dev/outbox`);
  expect(textOf(outbox.html)).toContain('Your Contoso sign-in code');
  expect(textOf(outbox.html)).toContain("You're invited to Contoso");
  const code = /\b(\d{8})\b/.exec(textOf(outbox.html))![1]!;

  const entering = await guest.follow(sendPage.url);
  const callback = await guest.submit(entering, '/verify', { code }, (url) => atDemo(url) && !url.includes('/callback'));
  const claimsPage = textOf(callback.html);
  expect(callback.url).toMatch(/\/demo\/callback\?code=/);
  expect(claimsPage).toContain('The demo app received this ID token from Contoso');
  expect(claimsPage).toContain('alex.wilber@fabrikam.example');
  expect(claimsPage).toMatch(/tid contoso/);
  expect(claimsPage).toMatch(/amr \["otp"\]/);
});

test('the seeded administrator opens the tenant console with a code read from /dev/outbox', async () => {
  const seeded = await seedDemo(idp);
  expect(seeded.consoleUrl).toBe(`${idp.baseUrl}/contoso/console/`);
  const admin = new GuestAgent();
  const signIn = await admin.follow(seeded.consoleUrl);
  expect(signIn.url).toContain('/contoso/v2.0/interaction/');
  const sendPage = await admin.submit(signIn, '/identify', { email: seeded.consoleAdminEmail });
  expect(textOf(sendPage.html)).toContain(`We’ll email a sign-in code to ${seeded.consoleAdminEmail}`);
  const entering = await admin.submit(sendPage, '/send');
  await outboxHolds(3);
  // Newest first: the administrator's code.
  const code = /\b(\d{8})\b/.exec(textOf((await admin.follow(`${idp.baseUrl}/dev/outbox`)).html))![1]!;
  const guests = await admin.submit(entering, '/verify', { code });
  expect(guests.url).toBe(`${idp.baseUrl}/contoso/console/guests`);
  expect(textOf(guests.html)).toContain('Alex Wilber');
});

test('seeding again changes nothing (restarts against a developer’s Redis are harmless)', async () => {
  const again = await seedDemo(idp);
  expect(again.inviteRedeemUrl).toBeUndefined();
  expect((await idp.tenants.list()).filter((tenant) => tenant.id === 'contoso')).toHaveLength(1);
});

test('/dev/outbox shows only mail since this server started, and says how many earlier ones it leaves out', async () => {
  // A mail from yesterday's run: with the in-memory store its code leads nowhere now.
  const earlier = { id: '2020-01-01T00-00-00-000Z-0ld0ru11', from: 'guest-idp', date: '2020-01-01T00:00:00.000Z', to: 'old@partner.example', subject: 'Yesterday\'s sign-in code', text: 'Your code is 11112222' };
  writeFileSync(join(outboxDir, `${earlier.id}.json`), JSON.stringify(earlier));
  await outboxHolds(1);
  const outbox = textOf((await new GuestAgent().follow(`${idp.baseUrl}/dev/outbox`)).html);
  expect(outbox).toContain("You're invited to Contoso");
  expect(outbox).not.toContain('Yesterday');
  expect(outbox).not.toContain('11112222');
  expect(outbox).toContain('1 message from earlier runs of the server is not shown: the in-memory store forgot their sign-ins and invitations, so their codes and links no longer work.');
});

test('production mode has no demo and no outbox', async () => {
  const production = await startIdp({
    env: {
      NODE_ENV: 'production', REDIS_URL: requireRedisUrl(), SMTP_URL: 'smtp://127.0.0.1:9',
      ADMIN_TOKEN: 'p'.repeat(40), COOKIE_KEYS: 'production-cookie-key-0123456789abcdef', KEY_ENCRYPTION_KEY: 'production-key-encryption-key-0123456789',
    },
  });
  try {
    for (const path of ['/', '/demo', '/demo/sign-in', '/dev/outbox']) {
      const response = await fetch(`${production.baseUrl}${path}`, { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('tenant-specific');
    }
  } finally {
    await production.close();
  }
});
