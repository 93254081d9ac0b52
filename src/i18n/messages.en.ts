/**
 * Every text a guest reads, pages and mails, in English: the catalogue other languages translate.
 *
 * ICU MessageFormat (intl-messageformat): `{name}` is a value, `{count, plural, one {…} other {…}}`
 * a plural, `{flag, select, true {…} other {…}}` a choice. Three tags mark what a page shows in
 * bold or as code (translate.ts renders them, and drops them in plain text): `<strong>`,
 * `<address>` (an email address) and `<code>`. Messages are text, not HTML: no other markup, no
 * `&` or `<` (a unit test holds every catalogue to that). A straight apostrophe quotes the `{` or
 * `'` after it in ICU; before a letter it is just an apostrophe (the mails use those).
 *
 * Keys say where a text is shown: `page.*` for a page, `problem.<code>.*` for a sign-in that cannot
 * go on (sign-in-problem.ts), `notice.*` for a message on a step's page, `mail.*` for mail.
 */
export const en = {
  // Every page (layout.ejs, _cancel.ejs, _change-address.ejs, error.ejs).
  'page.brandFallback': 'Guest sign-in',
  'page.footer': 'Guest access powered by guest-idp',
  // The tenant's own links in the footer, when its branding names them (Entra's words, with "and": catalogue texts hold no bare ampersand).
  'page.privacy': 'Privacy and cookies',
  'page.terms': 'Terms of use',
  'page.cancel': 'Cancel',
  'page.changeAddress': 'Use a different email address',
  'page.continueTo': 'to continue to <strong>{app}</strong>',
  'page.tryAgain': 'Try again',
  'page.reference': 'Reference:',
  'page.errorCode': 'Error: <code>{errorCode}</code>',

  // The address (sign-in.ejs).
  'signIn.title': 'Sign in to {tenantName}',
  'signIn.heading': 'Sign in',
  'signIn.emailLabel': 'Email address',
  'signIn.emailHint': 'Use the address your invitation was sent to. You won’t need a password.',
  'signIn.next': 'Next',

  // Asking for a code (send-code.ejs).
  'sendCode.title': 'Get a code to sign in',
  'sendCode.lead': '{isRedemption, select, true {To accept your invitation to {tenantName}, we’ll} other {We’ll}} email a sign-in code to <address>{email}</address>.',
  'sendCode.send': 'Send code',
  'sendCode.hint': 'There is no password to remember: each time, a new code. Each code works once.',

  // Typing the code (enter-code.ejs).
  'enterCode.title': 'Enter code',
  'enterCode.triedToSend': 'We tried to email a code to <address>{email}</address>.',
  'enterCode.sendNew': 'Send a new code',
  'enterCode.checkAddress': 'Make sure this is the address you were invited with.',
  'enterCode.sent': 'We sent a code to <address>{email}</address>. It works once and expires in {validFor}.',
  'enterCode.codeLabel': 'Code',
  'enterCode.codeHint': 'No code? Check your junk folder, and make sure this is the address you were invited with.',
  'enterCode.signIn': 'Sign in',

  // No way to sign in (no-method.ejs), by the reason discovery gave.
  'noMethod.title': 'We can’t sign you in with this address',
  'noMethod.emailOtpDisabled.lead': '{tenantName} has turned off sign-in with one-time passcodes. You signed in to {tenantName} with a code before, so <address>{email}</address> can’t sign in for now.',
  'noMethod.emailOtpDisabled.hint': 'Ask the person who invited you to turn one-time passcodes back on for guests, or to reset your invitation so you can sign in another way.',
  'noMethod.methodUnavailable.lead': 'The way <address>{email}</address> signs in to {tenantName} is not available right now.',
  'noMethod.methodUnavailable.hint': 'Ask the person who invited you to check {tenantName}’s sign-in settings, or to reset your invitation.',
  'noMethod.noMethod.lead': '{tenantName} has no way for <address>{email}</address> to sign in.',
  'noMethod.noMethod.hint': 'Ask the person who invited you which email address the invitation was for, or whether {tenantName} can let you sign in with a one-time passcode.',

  // Messages on a step's page after an action (sign-in-notice.ts).
  'notice.invalidEmail': 'Enter an email address like name@example.com.',
  'notice.codeTooSoon': 'We just sent a code. You can ask for another one in {wait}.',
  'notice.codesRateLimited': 'Too many codes were requested. Try again in {wait}.',
  'notice.codeUndelivered': 'We couldn’t deliver the code to this address. Send a new code.',
  'notice.codeMalformed': 'Enter the {digits}-digit code from the email.',
  'notice.codeWrong': 'That code isn’t right. You can try {attemptsLeft, plural, one {# more time} other {# more times}} with this code.',
  'notice.codeDead': 'That code was tried too many times and no longer works. Send a new code.',
  'notice.codeExpired': 'That code has expired. Send a new code.',
  'notice.codeUsed': 'That code has already been used. Send a new code.',
  'notice.lockedOut': 'Too many wrong codes for this address. For your security, try again in {wait}.',

  // A sign-in that cannot go on: the error page (sign-in-problem.ts, by SignInProblem code).
  'problem.expired.title': 'This sign-in has expired',
  'problem.expired.message': 'The sign-in page was open too long, or it was already completed.',
  'problem.expired.hint': 'Go back to the app you were signing in to and start again.',
  'problem.changedMeanwhile.title': 'Your access changed while you were signing in',
  'problem.changedMeanwhile.message': 'Someone at the organization changed your invitation at the same moment, so we did not finish this sign-in.',
  'problem.changedMeanwhile.hint': 'Go back to the app you were signing in to and start again.',
  'problem.accountBlocked.title': 'Your account is blocked from signing in',
  'problem.accountBlocked.message': '{tenantName} has blocked sign-in for your account, so we did not sign you in.',
  'problem.accountBlocked.hint': 'Contact the administrator of {tenantName} to have it unblocked. Trying again will not help until they do.',
  'problem.forgedForm.title': 'This form could not be accepted',
  'problem.forgedForm.message': 'The page you sent it from is out of date.',
  'problem.forgedForm.hint': 'Go back to the app you were signing in to and start again.',
  'problem.federationTooLate.title': 'This sign-in took too long',
  'problem.federationTooLate.message': 'The answer from your identity provider came too late, or was used already.',
  'problem.federationTooLate.hint': 'Try again, or go back to the app you were signing in to and start again.',
  'problem.upstreamGone.title': '{upstream} is not available',
  'problem.upstreamGone.message': '{upstream} is no longer set up for signing in here.',
  'problem.upstreamGone.hint': 'Ask the person who invited you to check the organization’s sign-in settings.',
  'problem.upstreamUnreachable.title': 'We couldn’t reach {upstream}',
  'problem.upstreamUnreachable.message': '{upstream} is not answering right now. Nothing was changed.',
  'problem.upstreamUnreachable.hint': 'Wait a moment, then try again.',
  'problem.upstreamRefused.title': 'Signing in at {upstream} didn’t finish',
  'problem.upstreamRefused.message': '{answer, select, accessDenied {{upstream} says access was denied, or the sign-in was cancelled.} code {{upstream} answered with an error ({oauthError}).} other {{upstream} answered with an error.}}',
  'problem.upstreamRefused.hint': 'You can try again.',
  'problem.upstreamInvalid.title': 'We couldn’t verify the answer from {upstream}',
  'problem.upstreamInvalid.message': 'Its answer did not pass our checks, so we did not sign you in.',
  'problem.upstreamInvalid.hint': 'Try again. If it keeps happening, tell the person who invited you.',
  'problem.notInvited.title': 'You don’t have access yet',
  'problem.notInvited.message': '{tenantName} has not invited {email}.',
  'problem.notInvited.hint': 'Ask someone at the organization to invite you, then use the link in the invitation.',
  'problem.differentAccount.title': 'That is a different account',
  'problem.differentAccount.message': '{email} signs in to {tenantName} with another {upstream} account than the one you used.',
  'problem.differentAccount.hint': 'Sign in at {upstream} with the account you used before, or ask the person who invited you to reset your invitation.',
  'problem.unverifiedEmail.title': '{upstream} hasn’t confirmed your address',
  'problem.unverifiedEmail.message': '{upstream} did not confirm that {hasUpstreamEmail, select, true {{upstreamEmail}} other {the address}} belongs to you, so it can’t be used to accept an invitation.',
  'problem.unverifiedEmail.hint': 'Confirm the address at {upstream}, then try again.',
  'problem.emailMismatch.title': 'That account has another address',
  'problem.emailMismatch.message': 'You signed in at {upstream} as {hasUpstreamEmail, select, true {{upstreamEmail}} other {someone else}}, but the invitation is for {email}.',
  'problem.emailMismatch.hint': 'Sign in at {upstream} as {email}, or use a different address.',
  'problem.invitationUnusable.title': 'This invitation link can’t be used',
  'problem.invitationUnusable.message': 'It has already been accepted, or it has expired.',
  'problem.invitationUnusable.hint': 'If you accepted it before, open the app directly and sign in with your email address. Otherwise ask the person who invited you for a new invitation.',
  'problem.invitationNotAccepted.title': 'The invitation was not accepted',
  'problem.invitationNotAccepted.message': '{cancelled, select, true {You cancelled signing in.} other {Signing in did not complete.}}',
  'problem.invitationNotAccepted.hint': 'Open the link in your invitation email again when you are ready.',
  'problem.unavailable.title': 'Sign-in is briefly unavailable',
  'problem.unavailable.message': 'We cannot reach our data store right now. Nothing was lost.',
  'problem.unavailable.hint': 'Wait a moment, then go back to the app and start again.',
  'problem.serverError.title': 'Something went wrong',
  'problem.serverError.message': 'The request failed unexpectedly.',
  'problem.serverError.hint': 'Go back to the app you came from and start again.',
  'problem.requestTooLarge.title': 'That was too much to send',
  'problem.requestTooLarge.message': 'The form you sent is larger than any form of ours can be.',
  'problem.requestTooLarge.hint': 'Go back to the app you came from and start again.',
  'problem.unsupportedMediaType.title': 'That form could not be read',
  'problem.unsupportedMediaType.message': 'The request was sent in a format this address does not take.',
  'problem.unsupportedMediaType.hint': 'Go back to the app you came from and start again.',
  'problem.malformedRequest.title': 'That form could not be read',
  'problem.malformedRequest.message': 'The request was malformed.',
  'problem.malformedRequest.hint': 'Go back to the app you came from and start again.',
  'problem.unknownTenant.title': 'We could not find that organization',
  'problem.unknownTenant.message': 'There is no organization called “{tenantName}” here.',
  'problem.unknownTenant.hint': 'Check the link you followed. If it came from an invitation, ask the person who invited you for a new one.',
  // oidc-provider's errors about what the app sent (oidc-error-problem.ts): the app's to fix.
  'problem.badClient.title': 'This app can’t sign you in',
  'problem.badClient.message': 'The app that sent you here isn’t set up correctly for {tenantName}.',
  'problem.badClient.hint': 'Tell the app’s support team; quote the reference below.',
  // oidc-provider's other errors: its description (English, from the library) is the message in English; other languages get the `other` sentence.
  'problem.authorizationFailed.title': 'Sign-in could not continue',
  'problem.authorizationFailed.message': '{hasDescription, select, true {{description}} other {Something went wrong while signing you in.}}',
  'problem.authorizationFailed.hint': 'Go back to the app you came from and start signing in again. If it keeps happening, tell the organization that invited you.',

  // Pages around oidc-provider's own steps (auto-post-page.ts, continue.ejs, sign-out.ejs, signed-out.ejs).
  'continue.signingOutOther.title': 'Signing out the other account',
  'continue.signingOutOther.message': 'This browser was signed in with another address. We’ll sign that one out, then finish signing you in.',
  'continue.signingOut.title': 'Signing you out',
  'continue.signingOut.message': 'We’re signing you out in this browser.',
  'continue.returning.title': '{hasApp, select, true {Returning to {app}} other {Returning to the app}}',
  'continue.returning.message': 'We’re taking you back to the app you came from.',
  'continue.button': 'Continue',
  'continue.hint': 'If nothing happens, press Continue.',
  'signOut.title': 'Sign out of {tenantName}?',
  'signOut.lead': 'You’ll be signed out of {tenantName} in this browser.',
  'signOut.confirm': 'Sign out',
  'signOut.stay': 'Stay signed in',
  'signedOut.title': 'You have signed out',
  'signedOut.lead': '{hasApp, select, true {You are signed out of {tenantName} and {app}.} other {You are signed out of {tenantName}.}} You can close this window.',

  // A link without a tenant (tenant-required.ejs).
  'tenantRequired.title': 'Use your organization’s sign-in link',
  'tenantRequired.lead': 'Guests sign in through a link that names the organization that invited them, like <code>{exampleUrl}</code>. This address has no organization in it.',
  'tenantRequired.hint': 'Use the link from your invitation email, or the sign-in link the organization gave you.',
  'tenantRequired.organizationLabel': 'Sign in to an organization',
  'tenantRequired.continue': 'Continue',
  'tenantRequired.notFound': 'We could not find an organization called “{organization}”. Check the spelling, or use the link from your invitation.',
  'tenantRequired.missing': 'Enter the organization’s domain, like contoso.com.',

  // The organization's own address, with no app to continue to (tenant-start.ejs).
  'tenantStart.title': 'Sign in to {tenantName}',
  'tenantStart.lead': 'You sign in to {tenantName} from the app you want to use: open the app, and it brings you here when you need to sign in.',
  'tenantStart.hint': 'Invited as a guest? Open the link in your invitation email.',

  // The sign-in code mail (mail/passcode.*.ejs). The code stands alone, outside any message.
  'mail.passcode.subject': 'Your {tenantName} sign-in code',
  'mail.passcode.heading': 'Your sign-in code',
  'mail.passcode.purpose': '{hasApp, select, true {Enter this code to sign in to <strong>{appName}</strong> at {tenantName} as <address>{to}</address>:} other {Enter this code to accept your invitation to {tenantName} as <address>{to}</address>:}}',
  'mail.passcode.validity': 'It works once and is valid for {validFor}, until {expiryTime}.',
  'mail.passcode.dontShare': "Don't share this code; nobody from {tenantName} will ask you for it.",
  'mail.passcode.notYouHeading': "Didn't ask for this code?",
  'mail.passcode.notYou': 'You can ignore this mail: someone may have typed your address by mistake, and nobody can sign in without this code. If codes keep coming, tell your contact at {tenantName}.',

  // The invitation mail (mail/invitation.*.ejs).
  'mail.invitation.subject': "You're invited to {tenantName}",
  'mail.invitation.invited': '{hasInviterApp, select, true {{inviterAppName} at {tenantName}} other {An administrator of {tenantName}}} invited {hasName, select, true {{name} ({to})} other {<address>{to}</address>}} to access apps and resources at {tenantName}.',
  'mail.invitation.inviterMessage': 'Message from your inviter at {tenantName}:',
  'mail.invitation.accept': 'Accept invitation',
  'mail.invitation.acceptLink': 'Accept the invitation:',
  'mail.invitation.noAccount': "You'll sign in with this email address; you don't need a new account or password.",
  'mail.invitation.destination': 'Accepting takes you to <strong>{destination}</strong>.',
  'mail.invitation.linkFallback': "If the button doesn't work, copy this link into your browser:",
  'mail.invitation.notExpecting': "If you weren't expecting this invitation, you can ignore it.",

  // Every mail's frame (mail/layout.html.ejs).
  'mail.footer': "This message was sent by {tenantName}'s guest sign-in service. If you weren't expecting it, you can ignore it.",
} as const;

export type MessageKey = keyof typeof en;
