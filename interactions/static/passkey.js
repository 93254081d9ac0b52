// The passkey pages (interactions/mfa-passkey-*.ejs): hands the form's WebAuthn options to the
// browser (@simplewebauthn/browser, /static/simplewebauthn-browser.js, the global SimpleWebAuthnBrowser)
// and posts its answer back in the same form, CSRF token and all. A file of its own, not inline, so
// the page's CSP allows scripts from our origin and nothing else. Without WebAuthn the button stays
// hidden and the page's message says so; a failed or cancelled try says so and lets the guest retry.
(() => {
  const form = document.querySelector('form[data-passkey]');
  const webauthn = globalThis.SimpleWebAuthnBrowser;
  if (!form || !webauthn || !webauthn.browserSupportsWebAuthn()) return;
  const start = form.querySelector('[data-passkey-start]');
  const unsupported = document.getElementById('passkey-unsupported');
  const failed = document.getElementById('passkey-failed');
  const optionsJSON = JSON.parse(form.dataset.options);
  unsupported.hidden = true;
  start.hidden = false;
  start.focus();
  start.addEventListener('click', async () => {
    start.disabled = true;
    failed.hidden = true;
    failed.textContent = '';
    try {
      const response = form.dataset.passkey === 'registration'
        ? await webauthn.startRegistration({ optionsJSON })
        : await webauthn.startAuthentication({ optionsJSON });
      form.elements.namedItem('response').value = JSON.stringify(response);
      form.submit();
    } catch {
      // Cancelled, timed out, or no passkey for this account here: the alert's text is set anew, so it is read out.
      failed.textContent = failed.dataset.text;
      failed.hidden = false;
      start.disabled = false;
      start.focus();
    }
  });
})();
