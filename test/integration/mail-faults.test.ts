import { recordFinding } from '../support/findings.ts';
import { formsOf, GuestAgent, type GuestPage, textOf, withoutReference } from '../support/guest-agent.ts';
import { TEST_ADMIN_TOKEN } from '../support/idp.ts';
import { type ProductProcess, productionEnv, startProductProcess } from '../support/product-process.ts';
import { freePort } from '../support/redis-server.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { codeIn, type SmtpListener, startSmtpListener } from '../support/smtp.ts';

/**
 * The mail server failing around the real product (`node src/main.ts`, production mode): down,
 * slow, down for good, and the product itself killed while a code is on its way. The guest's
 * answer never waits on SMTP; mail is retried until the server answers; nothing hangs.
 */

const running: ProductProcess[] = [];
const listeners: SmtpListener[] = [];

afterEach(async () => {
  for (const product of running.splice(0)) await product.stop('SIGKILL');
  for (const listener of listeners.splice(0)) await listener.close();
});

async function start(env: Record<string, string>): Promise<ProductProcess> {
  const product = await startProductProcess(env);
  running.push(product);
  return product;
}

async function listen(options: Parameters<typeof startSmtpListener>[0] = {}): Promise<SmtpListener> {
  const listener = await startSmtpListener(options);
  listeners.push(listener);
  return listener;
}

async function admin(product: ProductProcess, path: string, body: unknown): Promise<any> {
  const response = await fetch(`${product.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** A tenant with an app, and an invited guest; returns the relying party's pieces. */
async function tenantWithGuest(product: ProductProcess, email: string) {
  await admin(product, '/admin/tenants', { id: 'faults', displayName: 'Faults' });
  const redirectUri = 'https://faults-app.example/callback';
  const app = await admin(product, '/admin/tenants/faults/clients', { client_name: 'faults app', redirect_uris: [redirectUri] });
  await admin(product, '/admin/tenants/faults/invitations', { invitedUserEmailAddress: email, inviteRedirectUrl: 'https://apps.example/' });
  return { issuer: `${product.url}/faults/v2.0`, app, redirectUri };
}

/** The guest's "Send code" page for the address, and the relying party that asked. */
async function sendCodePage(guest: GuestAgent, fixture: Awaited<ReturnType<typeof tenantWithGuest>>, email: string): Promise<{ page: GuestPage; rp: RelyingParty }> {
  const rp = await RelyingParty.discover(fixture.issuer, fixture.app, fixture.redirectUri);
  const page = await guest.follow(await rp.authorizationUrl({ login_hint: email }), rp.isCallback);
  expect(textOf(page.html)).toContain('Get a code to sign in');
  return { page, rp };
}

/** The code from the mail signs the guest in: the app gets tokens for the address. */
async function finishSignIn(guest: GuestAgent, entering: GuestPage, rp: RelyingParty, code: string, email: string): Promise<void> {
  const callback = await guest.submit(entering, '/verify', { code }, rp.isCallback);
  expect(rp.isCallback(callback.location ?? '')).toBe(true);
  const tokens = await rp.redeemCallback(callback.location!);
  expect(tokens.claims()).toMatchObject({ email, amr: ['otp'] });
}

const retryLogged = (attempt: number) => (line: Record<string, unknown>) => line.msg === 'mail attempt failed, retrying' && line.attempt === attempt;

test('SMTP not listening: the guest gets the code page at once, the mail is retried, and arrives once the server is up', async () => {
  const smtpPort = await freePort();
  const product = await start(productionEnv({ SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, MAIL_RETRY_BASE_MS: '200' }));
  const email = 'patient@partner.example';
  const fixture = await tenantWithGuest(product, email);
  const guest = new GuestAgent();
  const { page, rp } = await sendCodePage(guest, fixture, email);

  const entering = await guest.submit(page, '/send');
  expect(entering.status).toBe(200);
  expect(textOf(entering.html)).toContain('Enter code');
  await product.waitForLog(retryLogged(2));

  const smtp = await listen({ port: smtpPort });
  const mail = await smtp.nextMessageTo(email);
  await finishSignIn(guest, entering, rp, codeIn(mail), email);
  const retries = product.logs.filter((line) => line.msg === 'mail attempt failed, retrying').length;
  expect(product.logs.some((line) => JSON.stringify(line).includes(email))).toBe(false);
  expect(await product.stop('SIGTERM')).toBe(0);
  recordFinding({ kind: 'fault', name: 'SMTP down', tried: 'Send code with no mail server listening, which starts after two failed tries', times: 1, result: `the guest got the code page at once; ${retries} tries failed and were retried with backoff; the mail arrived once the server listened and the sign-in completed; the process stopped cleanly on SIGTERM` });
}, 60_000);

test('SMTP slow (holding its answer to DATA): another guest\'s answer does not wait, and both mails arrive once it answers', async () => {
  const smtp = await listen();
  const hold = smtp.holdData();
  const product = await start(productionEnv({ SMTP_URL: smtp.url }));
  const first = 'slow-one@partner.example';
  const second = 'slow-two@partner.example';
  const fixture = await tenantWithGuest(product, first);
  await admin(product, '/admin/tenants/faults/invitations', { invitedUserEmailAddress: second, inviteRedirectUrl: 'https://apps.example/' });

  const one = new GuestAgent();
  const oneStart = await sendCodePage(one, fixture, first);
  const oneEntering = await one.submit(oneStart.page, '/send');
  await hold.arrived;
  // The mail server now holds the first mail's DATA; a second guest asks meanwhile.
  const two = new GuestAgent();
  const twoStart = await sendCodePage(two, fixture, second);
  const twoEntering = await two.submit(twoStart.page, '/send');
  expect(twoEntering.status).toBe(200);
  expect(textOf(twoEntering.html)).toContain('Enter code');
  expect(smtp.messages).toHaveLength(0);

  hold.release();
  await finishSignIn(one, oneEntering, oneStart.rp, codeIn(await smtp.nextMessageTo(first)), first);
  await finishSignIn(two, twoEntering, twoStart.rp, codeIn(await smtp.nextMessageTo(second)), second);
  expect(await product.stop('SIGTERM')).toBe(0);
  recordFinding({ kind: 'fault', name: 'SMTP slow', tried: 'a mail server holding its answer to DATA while another guest asks for a code', times: 1, result: 'the second guest got the code page while the first mail was held; both mails arrived once the server answered and both sign-ins completed; the process stopped cleanly on SIGTERM' });
}, 60_000);

test('SMTP down for good: once the retries are used up, the code page says the code could not be delivered, invited or not', async () => {
  const product = await start(productionEnv({ SMTP_URL: `smtp://127.0.0.1:${await freePort()}`, MAIL_RETRY_BASE_MS: '1' }));
  const email = 'unreachable@partner.example';
  const fixture = await tenantWithGuest(product, email);
  const pages: string[] = [];
  for (const [index, address] of [email, 'nobody-invited@partner.example'].entries()) {
    const guest = new GuestAgent();
    const { page } = await sendCodePage(guest, fixture, address);
    const entering = await guest.submit(page, '/send');
    expect(textOf(entering.html)).toContain('Enter code');
    await product.waitForLog(() => product.logs.filter((line) => line.msg === 'mail undeliverable: giving up').length > index);
    const told = await guest.follow(entering.url);
    expect(textOf(told.html)).toContain('We couldn’t deliver the code to this address. Send a new code.');
    expect(formsOf(told.html).map((form) => form.submitLabel)).toContain('Send a new code');
    pages.push(withoutReference(textOf(told.html)).replaceAll(address, '<address>'));
  }
  expect(pages[0]).toBe(pages[1]);
  expect(await product.stop('SIGTERM')).toBe(0);
  recordFinding({ kind: 'fault', name: 'SMTP down for good', tried: 'Send code (invited and uninvited) against a mail server that never listens, MAIL_RETRY_BASE_MS=1', times: 2, result: 'after 10 tries each the code page said the code could not be delivered and offered a new one, the same page for both addresses' });
}, 60_000);

test('restart mid-flow: a guest who asked for a code before the process was killed (SIGKILL) gets it and signs in after the restart', async () => {
  const smtpPort = await freePort();
  const env = productionEnv({ SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, MAIL_RETRY_BASE_MS: '500' });
  const before = await start(env);
  const email = 'restarted@partner.example';
  const fixture = await tenantWithGuest(before, email);
  const guest = new GuestAgent();
  const { page, rp } = await sendCodePage(guest, fixture, email);
  const entering = await guest.submit(page, '/send');
  expect(textOf(entering.html)).toContain('Enter code');
  // The first try failed and the retry is scheduled in Redis: now the process dies.
  await before.waitForLog(retryLogged(1));
  expect(await before.stop('SIGKILL')).toBe('SIGKILL');

  const smtp = await listen({ port: smtpPort });
  const after = await start(before.env);
  const mail = await smtp.nextMessageTo(email);
  await finishSignIn(guest, entering, rp, codeIn(mail), email);
  expect(after.logs.some((line) => line.msg === 'mail sent')).toBe(true);
  expect(await after.stop('SIGTERM')).toBe(0);
  recordFinding({ kind: 'fault', name: 'Restart mid-flow', tried: 'the product killed (SIGKILL) after a guest asked for a code whose mail was waiting to be retried, then started again', times: 1, result: 'the restarted process delivered the queued code and the guest finished the sign-in on it' });
}, 60_000);
