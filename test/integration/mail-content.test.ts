import type { ParsedMail } from 'mailparser';

import { GuestAgent } from '../support/guest-agent.ts';
import { type RunningIdp, startIdp, TEST_ADMIN_TOKEN } from '../support/idp.ts';
import { pngImage } from '../support/images.ts';
import { inviteGuest, type SignInFixture, startSignIn, tenantWithApp } from '../support/sign-in.ts';
import { codeIn, type SmtpListener, startSmtpListener } from '../support/smtp.ts';

/**
 * What the two guest mails say, read from a real SMTP listener: the code mail (the code alone and
 * large, for which app and tenant, until when, what to do if the guest did not ask) and the
 * invitation mail (in the inviter's chosen language, the inviter's own words as plain text), and
 * both in the tenant's branding (its logo and colour in the header row; the text part has none).
 */

let smtp: SmtpListener;
let idp: RunningIdp;
let contoso: SignInFixture;

beforeAll(async () => {
  smtp = await startSmtpListener();
  idp = await startIdp({ env: { SMTP_URL: smtp.url } });
  contoso = await tenantWithApp(idp, 'contoso');
});

afterAll(async () => {
  await idp.close();
  await smtp.close();
});

const lines = (text: string | undefined) => (text ?? '').split('\n');
/** "2:35 PM" for an instant, as the English mail writes clock times (in UTC). */
const clockTime = (at: number) => new Intl.DateTimeFormat('en', { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' }).format(at);

describe('the sign-in code mail', () => {
  let mail: ParsedMail;
  let sentBetween: [number, number];

  beforeAll(async () => {
    await inviteGuest(idp, 'contoso', 'lidia.holloway@partner.example');
    const guest = new GuestAgent();
    const { page: sendPage } = await startSignIn(guest, contoso, 'lidia.holloway@partner.example');
    const before = Date.now();
    await guest.submit(sendPage, '/send');
    sentBetween = [before, Date.now()];
    mail = await smtp.nextMessageTo('lidia.holloway@partner.example');
  });

  test('the text part has the code alone on a line', () => {
    const code = codeIn(mail);
    expect(lines(mail.text)).toContain(code);
  });

  test('the HTML part shows the code alone in a large monospace element, spaced by CSS only', () => {
    const code = codeIn(mail);
    const element = new RegExp(`<span id="code" style="([^"]*)">${code}</span>`).exec(mail.html || '');
    expect(element).not.toBeNull();
    expect(element![1]).toMatch(/font-size:32px/);
    expect(element![1]).toMatch(/monospace/);
    expect(element![1]).toMatch(/letter-spacing:/);
  });

  test('it names the app and the tenant, and the address', () => {
    expect(mail.subject).toBe('Your Contoso sign-in code');
    expect(mail.text).toContain('Enter this code to sign in to contoso app at Contoso as lidia.holloway@partner.example:');
    expect(mail.html).toContain('<strong>contoso app</strong> at Contoso');
  });

  test('it says how long the code is valid, then until when as a clock time in UTC', () => {
    const [sentFrom, sentTo] = sentBetween;
    const expiries = new Set([clockTime(sentFrom + 1800_000), clockTime(sentTo + 1800_000)]);
    const said = [...expiries].map((time) => `It works once and is valid for 30 minutes, until ${time} UTC.`);
    expect(said.some((sentence) => mail.text!.includes(sentence))).toBe(true);
    expect(said.some((sentence) => (mail.html as string).includes(sentence))).toBe(true);
  });

  test('it tells a guest who did not ask what to do', () => {
    for (const part of [mail.text!, mail.html as string]) {
      expect(part).toContain('ask for this code?');
      expect(part).toContain('someone may have typed your address by mistake, and nobody can sign in without this code');
      expect(part).toContain('tell your contact at Contoso');
    }
  });

  test('accepting an invitation, the code mail names no app: it says what the code is for', async () => {
    const invitation = await inviteGuest(idp, 'contoso', 'nestor.wilke@partner.example');
    const guest = new GuestAgent();
    const sendPage = await guest.follow(invitation.inviteRedeemUrl, (url) => url.startsWith('https://apps.example/'));
    await guest.submit(sendPage, '/send');
    const redemptionMail = await smtp.nextMessageTo('nestor.wilke@partner.example');
    expect(redemptionMail.text).toContain('Enter this code to accept your invitation to Contoso as nestor.wilke@partner.example:');
    expect(redemptionMail.text).not.toContain('your invitation at Contoso');
    expect(lines(redemptionMail.text)).toContain(codeIn(redemptionMail));
  });
});

describe('the invitation mail', () => {
  const invite = (body: Record<string, unknown>) => idp.admin('POST', '/admin/tenants/contoso/invitations', {
    inviteRedirectUrl: 'https://apps.example/', sendInvitationMessage: true, ...body,
  });

  test('in German for messageLanguage de-DE, with the inviter\'s words as plain text, line break kept', async () => {
    const response = await invite({
      invitedUserEmailAddress: 'miriam.graham@partner.example',
      invitedUserMessageInfo: { messageLanguage: 'de-DE', customizedMessageBody: '<b>hi</b>\nline two' },
    });
    expect(response.status).toBe(201);
    expect(response.body.invitedUserMessageInfo).toEqual({ messageLanguage: 'de-DE', customizedMessageBody: '<b>hi</b>\nline two' });

    const mail = await smtp.nextMessageTo('miriam.graham@partner.example');
    expect(mail.subject).toBe('Einladung zu Contoso');
    expect(mail.html).toContain('<html lang="de">');
    expect(mail.text).toContain('Ein Administrator von Contoso hat');
    // Their words, attributed, as they wrote them: escaped in HTML (no <b> element), the line break kept.
    expect(mail.html).toContain('Nachricht der einladenden Person bei Contoso:');
    expect(mail.html).toContain('&lt;b&gt;hi&lt;/b&gt;<br>line two');
    expect(mail.html).not.toContain('<b>hi</b>');
    expect(mail.text).toContain('<b>hi</b>\nline two');
  });

  test('a language without a catalogue falls back to English; CR LF in the words reads as one line break', async () => {
    const response = await invite({
      invitedUserEmailAddress: 'joni.sherman@partner.example',
      invitedUserMessageInfo: { messageLanguage: 'pt-BR', customizedMessageBody: '  Welcome aboard!\r\nJoni  ' },
    });
    expect(response.status).toBe(201);
    const mail = await smtp.nextMessageTo('joni.sherman@partner.example');
    expect(mail.subject).toBe("You're invited to Contoso");
    expect(mail.html).toContain('<html lang="en">');
    expect(mail.text).toContain('Message from your inviter at Contoso:\n\nWelcome aboard!\nJoni\n');
    expect(mail.html).toContain('Welcome aboard!<br>Joni</div>');
  });

  test.each([
    ['messageLanguage that is not a string', { messageLanguage: 7 }, 'invitedUserMessageInfo.messageLanguage'],
    ['messageLanguage that is not a language tag', { messageLanguage: 'German please' }, 'invitedUserMessageInfo.messageLanguage: must be a BCP 47 language tag'],
    ['a bidi override in the words', { customizedMessageBody: 'Pay \u202Egpj.exe' }, 'U+202E'],
    ['a control character in the words', { customizedMessageBody: 'ding\u0007' }, 'U+0007'],
    ['a tab in the words', { customizedMessageBody: 'a\tb' }, 'U+0009'],
    ['words over 2000 characters', { customizedMessageBody: 'x'.repeat(2001) }, 'at most 2000 characters'],
    ['an unsupported Graph field (ccRecipients)', { ccRecipients: [] }, 'unknown field ccRecipients'],
  ])('refused with a 400, nothing written: %s', async (_name, messageInfo, said) => {
    const email = `refused-${Math.random().toString(36).slice(2)}@partner.example`;
    const response = await invite({ invitedUserEmailAddress: email, invitedUserMessageInfo: messageInfo });
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain(said);
    expect(await idp.users.findByMail('contoso', email)).toBeUndefined();
  });
});

describe('the tenant\'s branding in both mails', () => {
  const BACKGROUND = '#0A4C8B';
  let logoUrl: string;

  /** The header's logo element and colour band, as the layout writes them. */
  const logoIn = (html: string) => /<img id="brand-logo" src="([^"]*)" width="(\d+)" height="(\d+)" alt="([^"]*)"/.exec(html);
  const bandIn = (html: string) => /<td bgcolor="([^"]*)" style="[^"]*background:([^;]*);color:([^;]*);/.exec(html);

  async function fabrikamMails(): Promise<{ code: ParsedMail; invitation: ParsedMail }> {
    await inviteGuest(idp, 'fabrikam', 'alex.wilber@partner.example', { sendInvitationMessage: true });
    const invitation = await smtp.nextMessageTo('alex.wilber@partner.example');
    const guest = new GuestAgent();
    const { page: sendPage } = await startSignIn(guest, fabrikam, 'alex.wilber@partner.example');
    await guest.submit(sendPage, '/send');
    return { code: await smtp.nextMessageTo('alex.wilber@partner.example'), invitation };
  }

  let fabrikam: SignInFixture;

  beforeAll(async () => {
    fabrikam = await tenantWithApp(idp, 'fabrikam');
    expect((await idp.admin('PATCH', '/admin/tenants/fabrikam/branding', { backgroundColor: BACKGROUND })).status).toBe(200);
    // Twice as wide as high: the mail fits it into the 40 px square by its attributes.
    const logo = await fetch(`${idp.baseUrl}/admin/tenants/fabrikam/branding/squareLogo`, {
      method: 'PUT', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }, body: pngImage(160, 80),
    });
    expect(logo.status).toBe(200);
    logoUrl = ((await logo.json()) as { squareLogoUrl: string }).squareLogoUrl;
    expect(logoUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/fabrikam\/v2\.0\/branding\/squareLogo\?v=/);
  });

  test('a branded tenant\'s code mail and invitation mail carry its logo (sized, named) and its colour as the header band', async () => {
    const { code, invitation } = await fabrikamMails();
    for (const mail of [code, invitation]) {
      const html = mail.html as string;
      expect(logoIn(html)?.slice(1)).toEqual([logoUrl.replaceAll('&', '&amp;'), '40', '20', 'Fabrikam']);
      expect(bandIn(html)?.slice(1)).toEqual([BACKGROUND, BACKGROUND, '#FFFFFF']);
      // The plain-text part is as it was: no picture, no colour.
      expect(mail.text).not.toContain('squareLogo');
      expect(mail.text).not.toContain(BACKGROUND);
    }
  });

  test('an unbranded tenant\'s mails have neither logo nor band', async () => {
    await inviteGuest(idp, 'contoso', 'diego.siciliani@partner.example', { sendInvitationMessage: true });
    const invitation = await smtp.nextMessageTo('diego.siciliani@partner.example');
    const guest = new GuestAgent();
    const { page: sendPage } = await startSignIn(guest, contoso, 'diego.siciliani@partner.example');
    await guest.submit(sendPage, '/send');
    const code = await smtp.nextMessageTo('diego.siciliani@partner.example');
    for (const mail of [code, invitation]) {
      const html = mail.html as string;
      expect(html).toContain('Contoso');
      expect(html).not.toContain('<img');
      expect(html).not.toContain('bgcolor=');
      expect(html).not.toContain('branding/squareLogo');
    }
  });
});
